/** Runtime child: the project's API server (JSON:API, custom endpoints, request/reply over Kafka). */
import { openProject } from '../../project/load.js';
import { serve } from '../../api/server.js';
import { RpcClient } from '../../kafka/integration/rpc.js';
import { childArgs, failed, log, onStop, report, reportTx } from '../child.js';

const args = childArgs();
const project = await openProject(args.project, { db: args.db, onOutcome: reportTx('api') }).catch((e: Error) => failed(e.message));
if (project) {
  for (const w of project.warnings) log(w, 'warn');
  const port = args.port ?? 5656;
  const host = args.host ?? '127.0.0.1';
  let rpc: RpcClient | undefined;
  if (args.brokers?.length) {
    rpc = new RpcClient(args.brokers);
    // the API serves while Kafka is away; request/reply answers 504 until it is back
    rpc.start().catch((e: Error) => log(`request/reply is unavailable: ${e.message}`, 'warn'));
  }
  try {
    const server = await serve(project, {
      port,
      host,
      rpc,
      log: args.verbose ? (line) => log(line) : undefined,
      warn: (line) => log(line, 'warn'),
    });
    const address = server.address();
    onStop(async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rpc?.stop().catch(() => {});
      project.close();
    });
    report({ type: 'ready', port: typeof address === 'object' && address ? address.port : port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      failed(`port ${port} on ${host} is taken (another alsx serve?); choose one with --port, or --port 0 for any free port`);
    else if (code === 'EACCES') failed(`not allowed to listen on ${host}:${port}; use a port above 1024`);
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') failed(`--host ${host} is not an address of this machine`);
    else failed(`the API could not start: ${(e as Error).message}`);
  }
}
