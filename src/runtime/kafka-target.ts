/**
 * Where a project's Kafka is: a real cluster (KAFKA_BROKERS, or the project's kafka.brokers), or an
 * embedded broker whose data lives in a project's .alsx/kafka. An embedded broker announces itself
 * in `broker.json` beside its data, and holds `broker.lock` (its pid) so two brokers never share a
 * folder; the produce/tail commands and the other project's workers find it there.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { PRIVATE_FILE, privateDir } from '../private-files.js';
import { alive } from './process-alive.js';
import { Broker, type BrokerOptions } from '../kafka/broker/broker.js';
import { stateDirOf, type Project } from '../project/load.js';

export type KafkaTarget =
  | { kind: 'external'; brokers: string[]; source: string }
  | { kind: 'embedded'; dataDir: string; port?: number /** the project whose broker it is (this one, or the one shared) */; owner: string };

export function kafkaTarget(project: Project, env: NodeJS.ProcessEnv = process.env): KafkaTarget {
  const fromEnv = env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (fromEnv?.length) return { kind: 'external', brokers: fromEnv, source: 'KAFKA_BROKERS' };
  const k = project.config.kafka ?? {};
  if (k.brokers?.length) return { kind: 'external', brokers: k.brokers, source: 'alsx.config.ts kafka.brokers' };
  if (k.shareBrokerOf) {
    const owner = resolve(project.dir, k.shareBrokerOf);
    return { kind: 'embedded', dataDir: join(stateDirOf(owner), 'kafka'), owner };
  }
  return { kind: 'embedded', dataDir: join(project.stateDir, 'kafka'), port: k.port, owner: project.dir };
}

export function describeTarget(t: KafkaTarget): string {
  if (t.kind === 'external') return `Kafka at ${t.brokers.join(',')} (${t.source})`;
  return `embedded broker (data in ${relative(process.cwd(), t.dataDir) || '.'})`;
}

export interface BrokerAnnouncement {
  pid: number;
  host: string;
  port: number;
  startedAt: string;
}

const announcementFile = (dataDir: string): string => join(dataDir, 'broker.json');
const lockFile = (dataDir: string): string => join(dataDir, 'broker.lock');

/** the embedded broker running on `dataDir`, if one is */
export function runningBroker(dataDir: string): BrokerAnnouncement | undefined {
  try {
    const a = JSON.parse(readFileSync(announcementFile(dataDir), 'utf8')) as BrokerAnnouncement;
    return alive(a.pid) ? a : undefined;
  } catch {
    return undefined;
  }
}

/** the port the broker on `dataDir` had last time, so clients that remember it reconnect after a restart */
export function lastPort(dataDir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(announcementFile(dataDir), 'utf8')) as BrokerAnnouncement).port;
  } catch {
    return undefined;
  }
}

export class BrokerBusy extends Error {
  override name = 'BrokerBusy';
}

/** takes the data folder for this process (a lock left by a dead process is taken over) */
function lock(dataDir: string): void {
  privateDir(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile(dataDir), 'wx', PRIVATE_FILE);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(lockFile(dataDir), 'utf8'));
      if (holder && holder !== process.pid && alive(holder)) {
        throw new BrokerBusy(
          `another broker (pid ${holder}) is using ${relative(process.cwd(), dataDir)}; use it (alsx produce/tail find it), or stop it first`,
        );
      }
      rmSync(lockFile(dataDir), { force: true });
    }
  }
  throw new BrokerBusy(`could not lock ${dataDir}`);
}

export interface EmbeddedBroker {
  broker: Broker;
  address: string;
  stop(): Promise<void>;
}

/**
 * Starts the embedded broker on `dataDir` in this process. The port: the one asked for, else the one
 * it had last time (clients remember it), else any free one.
 */
export async function startEmbeddedBroker(dataDir: string, options: Partial<BrokerOptions> = {}): Promise<EmbeddedBroker> {
  lock(dataDir);
  const host = options.host ?? '127.0.0.1';
  const last = lastPort(dataDir);
  const port = options.port ?? (last !== undefined && (await portFree(host, last)) ? last : 0);
  const broker = new Broker({ ...options, host, dataDir, port });
  try {
    await broker.start();
  } catch (e) {
    await broker.stop().catch(() => {});
    rmSync(lockFile(dataDir), { force: true });
    throw e;
  }
  const announcement: BrokerAnnouncement = { pid: process.pid, host, port: broker.port, startedAt: new Date().toISOString() };
  const tmp = `${announcementFile(dataDir)}.${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(announcement)}\n`, { mode: PRIVATE_FILE });
  renameSync(tmp, announcementFile(dataDir));
  return {
    broker,
    address: `${host}:${broker.port}`,
    async stop() {
      await broker.stop();
      // the announcement stays (its port is reused next time); the lock goes
      if (existsSync(lockFile(dataDir)) && Number(readFileSync(lockFile(dataDir), 'utf8')) === process.pid)
        rmSync(lockFile(dataDir), { force: true });
    },
  };
}

/**
 * The brokers to talk to for a one-off command (produce, tail): a cluster, or the embedded broker
 * that is running; when none runs, one is started in this process for as long as the command runs.
 */
export async function brokersForCommand(
  project: Project,
  log: (line: string) => void,
): Promise<{ brokers: string[]; release(): Promise<void> }> {
  const t = kafkaTarget(project);
  if (t.kind === 'external') return { brokers: t.brokers, release: async () => {} };
  const running = runningBroker(t.dataDir);
  if (running) return { brokers: [`${running.host}:${running.port}`], release: async () => {} };
  const started = await startEmbeddedBroker(t.dataDir, { port: t.port, initialRebalanceDelayMs: 50 });
  log(
    `no broker was running for ${relative(process.cwd(), t.owner) || '.'}: started the embedded one on ${started.address} for this command`,
  );
  return { brokers: [started.address], release: () => started.stop() };
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = createServer();
    s.once('error', () => ok(false));
    s.listen(port, host, () => s.close(() => ok(true)));
  });
}
