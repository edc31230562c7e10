/** Runtime child: the project's Kafka workers (outbox relay, topic consumers, request/reply services). */
import { openProject } from '../../project/load.js';
import { loadIntegration } from '../../kafka/integration/load.js';
import { childArgs, failed, log, onStop, report, reportTx } from '../child.js';
import { startWorkers, type Workers } from '../workers.js';

const args = childArgs();
let workers: Workers | undefined;
const toParent = reportTx('workers');
const project = await openProject(args.project, {
  db: args.db,
  onOutcome: (o) => {
    toParent(o);
    if (o.ok) workers?.relay.poke();
  },
}).catch((e: Error) => failed(e.message));
if (project) {
  try {
    const integration = await loadIntegration(project);
    workers = await startWorkers(project, integration, args.brokers ?? [], { log, verbose: args.verbose });
    onStop(async () => {
      await workers?.stop();
      project.close();
    });
    report({ type: 'ready', detail: workers.summary.join('\n') });
  } catch (e) {
    log(`the workers could not start: ${(e as Error).message}`, 'error');
    process.exit(1); // the supervisor starts them again
  }
}
