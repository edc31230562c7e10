/**
 * `alsx produce` and `alsx tail`: a project's topics from the shell, like kcat -P / -C. The project
 * says where Kafka is (its embedded broker — started for the command when none runs — or a
 * cluster); `--brokers` talks to any Kafka instead.
 */
import type { Command } from 'commander';
import type { Project } from '../../project/load.js';
import { theme, warn } from '../color.js';
import { CliError, EXIT } from '../exit.js';
import { parseBounded } from '../../bounded-json.js';
import { readInput } from '../input.js';

interface Target {
  brokers: string[];
  topic: string;
  rest: string[];
  release(): Promise<void>;
  samples: Record<string, unknown>;
  consumed: Set<string>;
}

const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
const TARGET_USAGE = '<project|--brokers host:port>';

/** `<project> <topic> …` or, with --brokers, `<topic> …` */
async function target(args: string[], brokersFlag: string | undefined, what: string): Promise<Target> {
  const { brokersForCommand } = await import('../../runtime/kafka-target.js');
  let brokers: string[];
  let release = async (): Promise<void> => {};
  let samples: Record<string, unknown> = {};
  const consumed = new Set<string>();
  let project: Project | undefined;
  if (brokersFlag) {
    brokers = brokersFlag
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    if (!brokers.every((b) => /^[^\s:]+:\d{1,5}$/.test(b))) throw new CliError(`--brokers ${brokersFlag}: give host:port[,host:port…]`);
  } else {
    const dir = args.shift();
    if (!dir) throw new CliError(`give a project folder (or --brokers host:port) and ${what}`);
    const { readProject } = await import('../../project/load.js');
    project = await readProject(dir);
    const { loadIntegration } = await import('../../kafka/integration/load.js');
    const integration = await loadIntegration(project);
    samples = integration.samples ?? {};
    for (const c of integration.consumers ?? []) consumed.add(c.topic);
  }
  const topic = args.shift();
  if (!topic) throw new CliError(`give ${what}`);
  if (!TOPIC.test(topic)) throw new CliError(`${JSON.stringify(topic)} is not a topic name (letters, digits, . _ -)`);
  // the embedded broker is started only once the command is known to be well formed: one started
  // for a command that then fails must be released, or it keeps the process (and its lock) alive
  if (project) ({ brokers, release } = await brokersForCommand(project, (line) => warn([line])));
  return { brokers: brokers!, topic, rest: args, release, samples, consumed };
}

interface ProduceFlags {
  brokers?: string;
  key?: string;
  header: string[];
  lines?: boolean;
  sample?: boolean;
  json?: boolean;
}

export function registerTopics(program: Command): void {
  program
    .command('produce')
    .summary('send a message (JSON, text) to a topic')
    .usage(`${TARGET_USAGE} <topic> [FILE|-] [options]`)
    .description(
      'Send a message to a topic: the contents of FILE, or stdin with - (the default when piped). With --lines, ' +
        "each line is a message. --sample sends the project's sample message for the topic (integration/index.ts).\n\n" +
        "Kafka is the project's (its embedded broker, started for the command if none runs; or KAFKA_BROKERS / the " +
        "project's kafka.brokers), or any Kafka with --brokers.\n\n" +
        'Examples:\n' +
        '  alsx produce projects/northwind order_b2b order.json --key b2b-1\n' +
        '  echo \'{"AccountId":"ALFKI", …}\' | alsx produce projects/northwind order_b2b -\n' +
        '  alsx produce projects/northwind order_b2b --sample\n' +
        '  alsx produce --brokers 127.0.0.1:9092 events events.jsonl --lines --header source=cli',
    )
    .argument('[args...]', 'project folder (unless --brokers), topic, and FILE or -')
    .option('--brokers <list>', 'bootstrap brokers host:port[,…] instead of a project')
    .option('-k, --key <key>', 'message key (messages with one key keep their order)')
    .option('-H, --header <k=v>', 'a header (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--lines', 'send each non-empty line as its own message')
    .option('--sample', "send the project's sample message for this topic")
    .option('--json', 'print where the messages landed as JSON')
    .action(async (args: string[], flags: ProduceFlags) => {
      const { produceOnce } = await import('../../kafka/client.js');
      const t = await target([...args], flags.brokers, 'a topic to produce to');
      try {
        const headers: Record<string, string> = {};
        for (const h of flags.header) {
          const eq = h.indexOf('=');
          if (eq < 1) throw new CliError(`--header ${h}: write it as name=value`);
          headers[h.slice(0, eq)] = h.slice(eq + 1);
        }
        let values: string[];
        if (flags.sample) {
          if (!(t.topic in t.samples))
            throw new CliError(
              `no sample message for ${t.topic}; the project has samples for ${Object.keys(t.samples).join(', ') || 'no topic'} (integration/index.ts)`,
            );
          values = [JSON.stringify(t.samples[t.topic])];
        } else {
          if (t.rest.length > 1) throw new CliError(`too many arguments: ${t.rest.join(' ')}`);
          const text = await readInput(t.rest[0], 'the message', `echo '{…}' | alsx produce <project> ${t.topic} -`);
          values = flags.lines ? text.split(/\r?\n/).filter((l) => l.trim()) : [text.replace(/\r?\n$/, '')];
          if (values.length === 0) throw new CliError('nothing to send: the input is empty');
        }
        if (t.consumed.has(t.topic)) {
          const bad = values.findIndex((v) => !isJson(v));
          if (bad >= 0) warn([`message ${bad + 1} is not JSON; the project's ${t.topic} consumer will send it to ${t.topic}.dlq`]);
        }
        const deliveries = await produceOnce(
          t.brokers,
          t.topic,
          values.map((v) => ({ key: flags.key ?? null, value: Buffer.from(v, 'utf8'), headers })),
        );
        if (flags.json) process.stdout.write(`${JSON.stringify({ ok: true, topic: t.topic, count: values.length, deliveries })}\n`);
        else {
          const where = deliveries.map((d) => `partition ${d.partition} from offset ${d.offset}`).join(', ');
          process.stdout.write(`${theme().ok('✔')} ${values.length} message${values.length === 1 ? '' : 's'} to ${t.topic} (${where})\n`);
        }
      } finally {
        await t.release();
      }
    });

  program
    .command('tail')
    .summary("print a topic's messages as they arrive")
    .usage(`${TARGET_USAGE} <topic> [options]`)
    .description(
      "Print a topic's messages as they arrive: offset, key, headers and the value (JSON pretty-printed). " +
        'From the end by default; --from-beginning reads what is there first. Without --group nothing is ' +
        'committed, so tailing never moves a real consumer.\n\nStops on Ctrl-C, at the end with --exit, or after --count messages.\n\n' +
        'Examples:\n' +
        '  alsx tail projects/northwind order_shipping\n' +
        '  alsx tail projects/northwind order_b2b.dlq --from-beginning --exit\n' +
        '  alsx tail --brokers 127.0.0.1:9092 events --json | jq .value',
    )
    .argument('[args...]', 'project folder (unless --brokers) and topic')
    .option('--brokers <list>', 'bootstrap brokers host:port[,…] instead of a project')
    .option('--from-beginning', 'start at the oldest message, not at the end')
    .option('-g, --group <group>', 'read as a member of this consumer group, committing its place')
    .option('-e, --exit', 'stop at the end of the topic (as it was when tail started)')
    .option('-n, --count <n>', 'stop after n messages')
    .option('--json', 'one JSON object per message: {topic, partition, offset, timestamp, key, headers, value}')
    .action(
      async (
        args: string[],
        flags: { brokers?: string; fromBeginning?: boolean; group?: string; exit?: boolean; count?: string; json?: boolean },
      ) => {
        const { tail, endOffsets } = await import('../../kafka/client.js');
        if (flags.count !== undefined && !/^[1-9]\d*$/.test(flags.count))
          throw new CliError(`--count ${flags.count}: give a whole number ≥ 1`);
        const t = await target([...args], flags.brokers, 'a topic to tail');
        if (t.rest.length) {
          await t.release();
          throw new CliError(`too many arguments: ${t.rest.join(' ')}`);
        }
        const paint = theme();
        let left = flags.count ? Number(flags.count) : Infinity;
        let remaining: Map<number, bigint> | undefined;
        let ends = new Map<number, bigint>();
        let finish: () => void = () => {};
        const finished = new Promise<void>((resolve) => (finish = resolve));
        const atEnd = (): boolean => remaining !== undefined && [...remaining.values()].every((n) => n <= 0n);
        if (flags.exit) {
          ends = await endOffsets(t.brokers, t.topic).catch(() => new Map<number, bigint>());
          remaining = flags.fromBeginning ? new Map(ends) : new Map();
        }
        const consumer = await tail(t.brokers, t.topic, { group: flags.group, fromBeginning: flags.fromBeginning ?? false }, (m) => {
          if (left <= 0) return;
          process.stdout.write(flags.json ? `${JSON.stringify(asJson(m))}\n` : render(m, paint));
          left--;
          if (remaining) {
            const end = ends.get(m.partition); // left to read: from this offset to where the partition ended
            if (end !== undefined) remaining.set(m.partition, end - BigInt(m.offset) - 1n > 0n ? end - BigInt(m.offset) - 1n : 0n);
          }
          if (left <= 0 || atEnd()) finish();
        });
        if (atEnd()) finish();
        process.once('SIGINT', finish);
        process.once('SIGTERM', finish);
        await finished;
        await consumer.close().catch(() => {});
        await t.release();
        process.exitCode = EXIT.ok;
      },
    );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

type Tailed = Parameters<Parameters<typeof import('../../kafka/client.js').tail>[3]>[0];

/** the value as JSON when it is JSON within bounds (a message nested 5,000 deep is shown as its text) */
function messageValue(m: Tailed): unknown {
  if (!m.value) return null;
  const text = m.value.toString('utf8');
  try {
    return parseBounded(text);
  } catch {
    return text;
  }
}

/** a terminal is not the place for megabytes: the start of a huge value, and how much more there is */
const SHOWN_BYTES = 64 * 1024;
function cut(text: string): string {
  return text.length <= SHOWN_BYTES
    ? text
    : `${text.slice(0, SHOWN_BYTES)}\n… ${text.length - SHOWN_BYTES} more characters (--json prints everything)`;
}

function asJson(m: Tailed): Record<string, unknown> {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: Number(m.offset),
    timestamp: m.timestamp,
    key: m.key?.toString('utf8') ?? null,
    headers: m.headers,
    value: messageValue(m),
  };
}

function render(m: Tailed, t: ReturnType<typeof theme>): string {
  const head = `${t.title(`${m.topic} [${m.partition}] @${m.offset}`)}  ${t.dim(m.timestamp)}${m.key ? `  key ${t.kind(m.key.toString('utf8'))}` : ''}`;
  const headers = Object.entries(m.headers).map(([k, v]) => `  ${t.dim(`${k}:`)} ${k.startsWith('alsx-error') ? t.bad(v) : v}`);
  const value = messageValue(m);
  const body = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return `${[head, ...headers, cut(body).replace(/^/gm, '  ')].join('\n')}\n\n`;
}
