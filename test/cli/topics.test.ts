/**
 * `alsx produce` and `alsx tail` as a user runs them: real child processes against a real broker —
 * one in this process (--brokers), or the project's embedded broker the command starts itself.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { Broker } from '../../src/kafka/broker/broker.js';
import { runningBroker } from '../../src/runtime/kafka-target.js';
import { orderB2BExample } from '../../projects/northwind/integration/OrderB2B.js';
import { ROOT, type CliResult } from '../helpers/cli.js';

/**
 * The real CLI, asynchronously (the broker in this process must keep answering while it runs);
 * the environment — ALSX_STATE_DIR among it — is this process's, as in test/helpers/cli.ts.
 */
function run(args: string[], options: { input?: string } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/alsx.js'), ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(options.input ?? '');
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`alsx ${args.join(' ')} did not finish in 90 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 90_000); // a bound for a hang, not for the command's speed
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      ok({ code: code ?? -1, stdout, stderr });
    });
  });
}

const lines = (out: string): any[] =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

let dir: string;
let broker: Broker;
let address: string;
const file = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-topics-'));
  broker = new Broker({ dataDir: join(dir, 'kafka'), port: 0, initialRebalanceDelayMs: 50 });
  address = `127.0.0.1:${await broker.start()}`;
});
afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('alsx produce and alsx tail --brokers', () => {
  const order = { AccountId: 'ALFKI', Items: [{ ProductName: 'Chai', QuantityOrdered: 1 }] };

  it('sends a file with a key and a header; tail --json prints it with the value parsed', async () => {
    const p = await run([
      'produce',
      '--brokers',
      address,
      'cli.one',
      file('order.json', `${JSON.stringify(order)}\n`),
      '--key',
      'k',
      '--header',
      'a=b',
    ]);
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    expect(p.stdout).toBe('✔ 1 message to cli.one (partition 0 from offset 0)\n');
    const t = await run(['tail', '--brokers', address, 'cli.one', '--from-beginning', '--exit', '--json']);
    expect(t.code).toBe(0);
    const got = lines(t.stdout);
    expect(got).toHaveLength(1);
    expect(got[0]).toEqual({
      topic: 'cli.one',
      partition: 0,
      offset: 0,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      key: 'k',
      headers: { a: 'b' },
      value: order,
    });
  });

  it('shows a message for a person: where it is, key, headers, and the JSON pretty-printed', async () => {
    const t = await run(['tail', '--brokers', address, 'cli.one', '--from-beginning', '--exit']);
    expect(t.code).toBe(0);
    const [head, header, ...body] = t.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^cli\.one \[0\] @0 {2}\d{4}-\d\d-\d\dT\S+ {2}key k$/);
    expect(header).toBe('  a: b');
    expect(body.join('\n')).toBe(JSON.stringify(order, null, 2).replace(/^/gm, '  '));
  });

  it('--lines sends each non-empty line as a message; text that is not JSON stays text', async () => {
    const p = await run([
      'produce',
      '--brokers',
      address,
      'cli.lines',
      file('lines.jsonl', '{"n":1}\n\n{"n":2}\r\nplain text\n'),
      '--lines',
      '--json',
    ]);
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout)).toEqual({
      ok: true,
      topic: 'cli.lines',
      count: 3,
      deliveries: [{ topic: 'cli.lines', partition: 0, offset: '0' }],
    });
    const t = await run(['tail', '--brokers', address, 'cli.lines', '--from-beginning', '--exit', '--json']);
    expect(t.code).toBe(0);
    expect(lines(t.stdout).map((m) => [m.offset, m.key, m.value])).toEqual([
      [0, null, { n: 1 }],
      [1, null, { n: 2 }],
      [2, null, 'plain text'],
    ]);
  });

  it('reads the message from stdin with -', async () => {
    const p = await run(['produce', '--brokers', address, 'cli.stdin', '-'], { input: '{"from":"stdin"}\n' });
    expect(p.code).toBe(0);
    const t = await run(['tail', '--brokers', address, 'cli.stdin', '--from-beginning', '--exit', '--json']);
    expect(lines(t.stdout).map((m) => m.value)).toEqual([{ from: 'stdin' }]);
  });

  it('--exit reads every partition to where it ended when tail started', async () => {
    const kafka = new Kafka({ clientId: 'test', brokers: [address], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'cli.parts', numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'cli.parts',
      messages: Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }), partition: i % 3 === 2 ? 0 : i % 3 })),
    }); // partition 2 stays empty
    await producer.disconnect();
    const t = await run(['tail', '--brokers', address, 'cli.parts', '--from-beginning', '--exit', '--json']);
    expect(t.code).toBe(0);
    const got = lines(t.stdout);
    expect(got.map((m) => m.value.i).sort((x, y) => x - y)).toEqual([...Array(12).keys()]);
    expect(got.filter((m) => m.partition === 0)).toHaveLength(8);
  });

  it('prints every message of a topic with a deeply nested and a huge one among them, and --exit ends', async () => {
    const kafka = new Kafka({ clientId: 'test', brokers: [address], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const deep = `{"Items":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const huge = JSON.stringify({ note: 'x'.repeat(300_000) });
    await producer.send({ topic: 'cli.poison', messages: [{ value: '{"n":1}' }, { value: deep }, { value: huge }, { value: '{"n":4}' }] });
    await producer.disconnect();
    const t = await run(['tail', '--brokers', address, 'cli.poison', '--from-beginning', '--exit']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(
      /@0[\s\S]*"n": 1[\s\S]*@1[\s\S]*\{"Items":\[\[\[[\s\S]*@2[\s\S]*more characters \(--json prints everything\)[\s\S]*@3[\s\S]*"n": 4/,
    );
    expect(t.stdout.length).toBeLessThan(200_000);
    const j = await run(['tail', '--brokers', address, 'cli.poison', '--from-beginning', '--exit', '--json']);
    expect(lines(j.stdout).map((m) => (typeof m.value === 'string' ? 'text' : (m.value.n ?? 'huge')))).toEqual([1, 'text', 'huge', 4]);
  });

  it('--count 1 stops after one message (without --exit)', async () => {
    const t = await run(['tail', '--brokers', address, 'cli.lines', '--from-beginning', '--count', '1', '--json']);
    expect(t.code).toBe(0);
    expect(lines(t.stdout).map((m) => m.value)).toEqual([{ n: 1 }]);
  });
});

describe("a project's embedded broker", () => {
  const dataDir = (): string => join(process.env.ALSX_STATE_DIR!, 'northwind', 'kafka');
  const started =
    /^warning: no broker was running for projects\/northwind: started the embedded one on 127\.0\.0\.1:\d+ for this command$/m;

  it('produce --sample starts the broker for the command, under ALSX_STATE_DIR; tail finds the message', async () => {
    expect(process.env.ALSX_STATE_DIR).toBeTruthy();
    expect(runningBroker(dataDir())).toBeUndefined();
    const p = await run(['produce', 'projects/northwind', 'order_b2b', '--sample']);
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(started);
    expect(p.stdout).toBe('✔ 1 message to order_b2b (partition 0 from offset 0)\n');
    expect(existsSync(join(dataDir(), 'broker.json'))).toBe(true); // announced where the state lives
    expect(existsSync(join(dataDir(), 'broker.lock'))).toBe(false); // and released when the command ended
    expect(runningBroker(dataDir())).toBeUndefined();

    const t = await run(['tail', 'projects/northwind', 'order_b2b', '--from-beginning', '--exit', '--json']);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(started);
    const got = lines(t.stdout);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ topic: 'order_b2b', offset: 0, value: orderB2BExample });
    expect(got[0].value.AccountId).toBe('ALFKI');
  });

  it('warns that a message the project consumes but is not JSON will be dead-lettered, and sends it', async () => {
    const p = await run(['produce', 'projects/northwind', 'order_b2b', '-'], { input: 'not json\n' });
    expect(p.code).toBe(0);
    expect(p.stderr).toContain("warning: message 1 is not JSON; the project's order_b2b consumer will send it to order_b2b.dlq");
    expect(p.stdout).toBe('✔ 1 message to order_b2b (partition 0 from offset 1)\n');
    const t = await run(['tail', 'projects/northwind', 'order_b2b', '--from-beginning', '--exit', '--json']);
    expect(lines(t.stdout).map((m) => m.value)).toEqual([orderB2BExample, 'not json']);
  });
});

describe('mistakes: exit 2 with a clear message', () => {
  const mistake = async (args: string[], message: string): Promise<void> => {
    const r = await run(args);
    expect(r.stderr).toContain(`alsx: ${message}\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  };

  // independent of each other: run at once
  it.concurrent.each([
    ['a missing topic', ['produce', '--brokers', '127.0.0.1:9'], 'give a topic to produce to'],
    [
      'a bad topic name',
      ['produce', '--brokers', '127.0.0.1:9', 'bad topic!', 'x.json'],
      '"bad topic!" is not a topic name (letters, digits, . _ -)',
    ],
    [
      'a header without =',
      ['produce', '--brokers', '127.0.0.1:9', 'cli.x', 'x.json', '--header', 'nocolon'],
      '--header nocolon: write it as name=value',
    ],
    ['--count 0', ['tail', '--brokers', '127.0.0.1:9', 'cli.x', '--count', '0'], '--count 0: give a whole number ≥ 1'],
    ['bad --brokers', ['tail', '--brokers', 'localhost', 'cli.x'], '--brokers localhost: give host:port[,host:port…]'],
    [
      'a missing file',
      ['produce', '--brokers', '127.0.0.1:9', 'cli.x', 'no-such-file.json'],
      'cannot read no-such-file.json: no such file',
    ],
  ])('%s', async (_what, args, message) => mistake(args, message));

  // each may start the project's embedded broker (one data folder): one after another. A broker
  // started for a command that then fails is released — the command ends instead of hanging.
  it.each([
    ['a missing topic (project)', ['tail', 'projects/northwind'], 'give a topic to tail'],
    [
      'a bad topic name (project)',
      ['produce', 'projects/northwind', 'order/b2b', '--sample'],
      '"order/b2b" is not a topic name (letters, digits, . _ -)',
    ],
    [
      '--sample for a topic without one',
      ['produce', 'projects/northwind', 'order_shipping', '--sample'],
      'no sample message for order_shipping; the project has samples for order_b2b (integration/index.ts)',
    ],
    ['too many arguments (project)', ['tail', 'projects/northwind', 'order_b2b', 'extra'], 'too many arguments: extra'],
  ])('%s', async (_what, args, message) => mistake(args, message));
});

describe('--help', () => {
  it.each([
    ['produce', 'Usage: alsx produce <project|--brokers host:port> <topic> [FILE|-] [options]'],
    ['tail', 'Usage: alsx tail <project|--brokers host:port> <topic> [options]'],
  ])('alsx %s --help shows the usage and exits 0', async (command, usage) => {
    const r = await run([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(usage);
    expect(r.stdout).toContain('Examples:');
  });
});
