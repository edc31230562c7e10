/** Runtime child: the project's embedded Kafka broker. */
import { readProject } from '../../project/load.js';
import { childArgs, failed, log, onStop, report } from '../child.js';
import { BrokerBusy, kafkaTarget, startEmbeddedBroker } from '../kafka-target.js';

const args = childArgs();
const project = await readProject(args.project);
const target = kafkaTarget(project);
if (target.kind === 'external') {
  failed(`${project.name} uses an external Kafka; there is no embedded broker to start`);
} else {
  try {
    const embedded = await startEmbeddedBroker(target.dataDir, {
      port: args.port ?? target.port,
      initialRebalanceDelayMs: 100,
      log: (line) => log(line),
    });
    onStop(() => embedded.stop());
    report({ type: 'ready', port: embedded.broker.port, address: embedded.address });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof BrokerBusy) failed(e.message);
    else if (code === 'EADDRINUSE')
      failed(`the broker's port ${args.port ?? target.port} is taken; choose another with kafka.port in alsx.config.ts`);
    else failed(`the embedded broker could not start: ${(e as Error).message}`);
  }
}
