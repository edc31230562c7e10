/** `alsx broker`: the embedded Kafka-protocol broker on its own. */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { theme } from '../color.js';
import { CliError, EXIT } from '../exit.js';

interface BrokerFlags {
  port: string;
  host: string;
  data: string;
  partitions: string;
  autoCreate: boolean;
  fsync: string;
}

export function registerBroker(program: Command): void {
  program
    .command('broker')
    .summary('run the embedded Kafka-protocol broker on its own')
    .description(
      'Run the embedded single-node broker: the Kafka wire protocol (kafkajs, kcat and kafka-python work unmodified), ' +
        'topics with partitions, consumer groups, committed offsets, all kept in --data and surviving restarts.\n\n' +
        'Stops on Ctrl-C (SIGINT) or SIGTERM.',
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', '9092')
    .option('--host <host>', 'address to listen on and advertise', '127.0.0.1')
    .option('--data <dir>', 'where topics and offsets are kept', '.alsx/kafka')
    .option('--partitions <n>', 'partitions of a topic created on first use', '1')
    .option('--no-auto-create', 'refuse topics that were not created first')
    .option('--fsync <when>', "'batch' (every append; nothing acknowledged is lost) or 'none'", 'batch')
    .action(async (flags: BrokerFlags) => {
      const { Broker } = await import('../../kafka/broker/broker.js');
      if (!/^\d{1,5}$/.test(flags.port)) throw new CliError(`--port ${flags.port}: a port is a number from 0 to 65535`);
      if (!/^\d{1,5}$/.test(flags.partitions) || Number(flags.partitions) < 1)
        throw new CliError(`--partitions ${flags.partitions}: give a whole number ≥ 1`);
      if (flags.fsync !== 'batch' && flags.fsync !== 'none') throw new CliError(`--fsync ${flags.fsync}: use batch or none`);
      const t = theme();
      const broker = new Broker({
        host: flags.host,
        port: Number(flags.port),
        dataDir: resolve(flags.data),
        defaultPartitions: Number(flags.partitions),
        autoCreateTopics: flags.autoCreate,
        fsync: flags.fsync,
        log: (line) => process.stdout.write(`${t.dim(new Date().toISOString())} ${line}\n`),
      });
      try {
        await broker.start();
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE')
          throw new CliError(
            `port ${flags.port} on ${flags.host} is taken (another broker?); choose one with --port, or --port 0 for any free port`,
          );
        throw e;
      }
      const stop = (): void => {
        void broker.stop().then(() => process.exit(EXIT.ok));
        setTimeout(() => process.exit(EXIT.ok), 2000).unref();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise(() => {});
    });
}
