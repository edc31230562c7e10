/**
 * Starts and watches a project's runtimes as child processes — the embedded broker (unless Kafka
 * is external, or another process already runs this broker), the API server and the Kafka workers
 * — and relays their state, logs and transactions. A child that dies is shown as down with its last
 * lines and, when asked, started again with backoff; stopping stops every child (none outlives us).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { PRIVATE_FILE, privateDir, privateFile } from '../private-files.js';
import { createInterface } from 'node:readline';
import { RUNS_COMPILED } from '../project/import-module.js';
import { ALSX_ROOT } from '../paths.js';
import { ensureDatabase, type Project } from '../project/load.js';
import type { ChildArgs, ChildMessage, ChildName, TxRecord } from './protocol.js';
import { describeTarget, kafkaTarget, runningBroker, type KafkaTarget } from './kafka-target.js';

export type ChildStatus = 'starting' | 'up' | 'down' | 'stopped' | 'shared';

export interface ChildState {
  name: ChildName;
  status: ChildStatus;
  pid?: number;
  port?: number;
  address?: string;
  detail?: string;
  /** the last lines it logged */
  log: string[];
  exit?: { code: number | null; signal: string | null };
  restarts: number;
}

export interface SupervisorOptions {
  port?: number;
  host?: string;
  db?: string;
  verbose?: boolean;
  /** start a child again when it dies (alsx serve); the workbench restarts on a key instead */
  autoRestart?: boolean;
  env?: NodeJS.ProcessEnv;
  /** false: the API alone, no broker or workers (request/reply answers 503) */
  kafka?: boolean;
  /** append every transaction to this JSON-lines file (default .alsx/traces.jsonl; false: none) */
  traceFile?: string | false;
}

export class StartError extends Error {
  override name = 'StartError';
}

const LOG_LINES = 200;
/**
 * How a child runs: compiled like this process (it loads the project's TypeScript itself), or —
 * when alsx runs from its sources, in its own tests — under tsx with alsx's compiler settings, and
 * with `alsx` resolved to the sources too (the `alsx-source` export condition), so the project's
 * rules and the child share one copy of alsx's modules.
 */
const fromSource = !RUNS_COMPILED;
const entry = (name: ChildName): string =>
  fromSource ? join(ALSX_ROOT, 'src', 'runtime', 'children', `${name}.ts`) : join(ALSX_ROOT, 'dist', 'runtime', 'children', `${name}.js`);
const childExecArgv = fromSource ? ['--import', import.meta.resolve('tsx'), '--conditions=alsx-source'] : [];
const childEnv = (): NodeJS.ProcessEnv =>
  fromSource ? { TSX_TSCONFIG_PATH: process.env.TSX_TSCONFIG_PATH ?? join(ALSX_ROOT, 'tsconfig.json') } : {};

export interface Supervisor {
  on(event: 'state', listener: (s: ChildState) => void): this;
  on(event: 'log', listener: (name: ChildName, line: string, level: 'info' | 'warn' | 'error') => void): this;
  on(event: 'tx', listener: (record: TxRecord) => void): this;
}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above types the events this class emits
export class Supervisor extends EventEmitter {
  readonly kafka: KafkaTarget;
  readonly children = new Map<ChildName, ChildState>();
  private readonly processes = new Map<ChildName, ChildProcess>();
  private readonly ready = new Map<ChildName, { resolve: () => void; reject: (e: Error) => void }>();
  private stopping = false;
  private watchdog: NodeJS.Timeout | undefined;
  /** children stopped on purpose: not started again */
  private readonly stopped = new WeakSet<ChildProcess>();

  private traces: WriteStream | undefined;

  constructor(
    readonly project: Project,
    private readonly options: SupervisorOptions = {},
  ) {
    super();
    this.kafka = kafkaTarget(project, options.env ?? process.env);
  }

  /** where this run's transactions are kept, so a past run can be reopened */
  get traceFile(): string | undefined {
    return this.options.traceFile === false ? undefined : (this.options.traceFile ?? join(this.project.stateDir, 'traces.jsonl'));
  }

  get brokers(): string[] {
    if (this.kafka.kind === 'external') return this.kafka.brokers;
    const b = this.children.get('broker');
    return b?.address ? [b.address] : [];
  }

  get kafkaDescription(): string {
    return describeTarget(this.kafka);
  }

  /** starts everything; resolves when all are up, rejects with the first child's reason if one cannot start */
  async start(): Promise<void> {
    if (this.stopping) return; // stopped before it started (q on the workbench's first frame)
    if (!this.options.db) ensureDatabase(this.project); // once, here, not raced by two children
    if (this.traceFile) {
      const dir = dirname(this.traceFile);
      if (dir === this.project.stateDir) privateDir(dir);
      else mkdirSync(dir, { recursive: true }); // a folder of the caller's choosing keeps its mode
      this.traces = createWriteStream(this.traceFile, { flags: 'a', mode: PRIVATE_FILE });
      privateFile(this.traceFile); // one an older alsx made
      this.traces.on('error', (e) => this.line('api', `cannot write ${this.traceFile}: ${e.message}`, 'warn'));
    }
    if (this.options.kafka === false) return this.spawn('api');
    if (this.kafka.kind === 'embedded') {
      await this.ensureBroker();
      this.watchdog = setInterval(() => this.adoptBroker(), 1000).unref();
    }
    await Promise.all([this.spawn('api'), this.spawn('workers')]);
  }

  /** starts a child again (after it went down, or to pick up changed project files) */
  async restart(name: ChildName): Promise<void> {
    const p = this.processes.get(name);
    if (p && p.exitCode === null && p.signalCode === null) {
      await this.kill(name, p);
    }
    const s = this.children.get(name);
    if (s) s.restarts++;
    await this.spawn(name);
  }

  /** stops one child (it stays down until restarted) */
  async stopChild(name: ChildName): Promise<void> {
    await this.kill(name, this.processes.get(name));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    // the API and workers first, so they finish their work while the broker still answers
    await Promise.all((['api', 'workers'] as const).map((n) => this.kill(n, this.processes.get(n))));
    await this.kill('broker', this.processes.get('broker'));
    await new Promise<void>((resolve) => (this.traces ? this.traces.end(resolve) : resolve()));
  }

  private async kill(name: ChildName, p: ChildProcess | undefined): Promise<void> {
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    this.stopped.add(p);
    const gone = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    if (p.connected) p.send({ type: 'stop' });
    else p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 4000);
    await gone;
    clearTimeout(timer);
    this.setState(name, { status: 'stopped' });
  }

  /** the embedded broker: the one another process runs on our data folder, else our own child */
  private async ensureBroker(): Promise<void> {
    if (this.kafka.kind !== 'embedded') return;
    const shared = (): boolean => {
      const running = runningBroker(this.kafka.kind === 'embedded' ? this.kafka.dataDir : '');
      if (!running || running.pid === this.processes.get('broker')?.pid) return false;
      this.setState('broker', {
        status: 'shared',
        pid: running.pid,
        port: running.port,
        address: `${running.host}:${running.port}`,
        detail: 'started by another process',
      });
      return true;
    };
    if (shared()) return;
    try {
      await this.spawn('broker');
    } catch (e) {
      if (!shared()) throw e; // another process took the folder first: use its broker
    }
  }

  private sharedGone = 0;
  /** a shared broker went away (its owner stopped or died): if its owner does not bring it back, run it here */
  private adoptBroker(): void {
    if (this.stopping || this.kafka.kind !== 'embedded' || this.children.get('broker')?.status !== 'shared') return;
    const running = runningBroker(this.kafka.dataDir);
    if (running) {
      this.sharedGone = 0;
      if (running.pid !== this.children.get('broker')?.pid) this.setState('broker', { pid: running.pid }); // its owner restarted it
      return;
    }
    if (++this.sharedGone < 3) return; // the owner restarts a crashed broker within a second
    this.sharedGone = 0;
    this.line('broker', 'the shared broker stopped; starting it here');
    void this.ensureBroker().catch((e: Error) => this.line('broker', e.message, 'error'));
  }

  /** starts a child that died again (the broker only if nobody else runs it now) */
  private revive(name: ChildName): Promise<void> {
    return name === 'broker' ? this.ensureBroker() : this.spawn(name);
  }

  private args(name: ChildName): ChildArgs {
    const o = this.options;
    const base: ChildArgs = { project: this.project.dir, db: o.db, verbose: o.verbose };
    if (name === 'api') return { ...base, port: this.children.get('api')?.port ?? o.port, host: o.host, brokers: this.brokers };
    if (name === 'workers') return { ...base, brokers: this.brokers };
    return base;
  }

  private spawn(name: ChildName): Promise<void> {
    if (this.stopping) return Promise.resolve(); // stop() came while an earlier child was starting
    const child = fork(entry(name), [JSON.stringify(this.args(name))], {
      execArgv: childExecArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...(this.options.env ?? process.env), FORCE_COLOR: '0', ...childEnv() },
    });
    this.processes.set(name, child);
    this.setState(name, { status: 'starting', pid: child.pid, exit: undefined });
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.line(name, line, stream === child.stderr ? 'warn' : 'info'));
    }
    const started = new Promise<void>((resolve, reject) => this.ready.set(name, { resolve, reject }));
    child.on('message', (m: ChildMessage) => this.message(name, m));
    child.on('exit', (code, signal) => this.exited(name, child, code, signal));
    return started;
  }

  private message(name: ChildName, m: ChildMessage): void {
    switch (m.type) {
      case 'ready':
        this.setState(name, { status: 'up', port: m.port, address: m.address, detail: m.detail });
        this.ready.get(name)?.resolve();
        this.ready.delete(name);
        break;
      case 'log':
        this.line(name, m.line, m.level);
        break;
      case 'tx':
        this.traces?.write(`${JSON.stringify(m.outcome)}\n`);
        this.emit('tx', m.outcome);
        break;
      case 'failed':
        this.line(name, m.message, 'error');
        this.ready.get(name)?.reject(new StartError(m.message));
        this.ready.delete(name);
        break;
    }
  }

  private exited(name: ChildName, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.processes.get(name) !== child) return; // an earlier incarnation
    const state = this.children.get(name)!;
    const wasUp = state.status === 'up';
    const onPurpose = this.stopping || this.stopped.has(child);
    this.setState(name, { status: onPurpose ? 'stopped' : 'down', exit: { code, signal } });
    const pending = this.ready.get(name);
    this.ready.delete(name);
    if (onPurpose) return;
    this.line(name, `exited (${signal ?? `code ${code}`})`, 'error');
    if (pending && code === 2) return; // it said why it cannot start (failed): starting again would not help
    if (this.options.autoRestart) {
      const delay = Math.min(5000, 250 * 2 ** Math.min(state.restarts, 4));
      if (wasUp) state.restarts = 0;
      setTimeout(
        () => {
          if (this.stopping) return;
          state.restarts++;
          this.revive(name).then(pending?.resolve, (e: Error) => {
            if (pending) pending.reject(e);
            else this.line(name, `could not start again: ${e.message}`, 'error');
          });
        },
        wasUp ? 250 : delay,
      ).unref();
    } else {
      pending?.reject(
        new StartError(`${name} exited before it was ready (${signal ?? `code ${code}`}): ${state.log.slice(-3).join(' / ')}`),
      );
    }
  }

  private line(name: ChildName, line: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    const s = this.children.get(name);
    if (s) {
      s.log.push(line);
      if (s.log.length > LOG_LINES) s.log.splice(0, s.log.length - LOG_LINES);
    }
    this.emit('log', name, line, level);
  }

  private setState(name: ChildName, patch: Partial<ChildState>): void {
    const s = this.children.get(name) ?? { name, status: 'starting' as ChildStatus, log: [], restarts: 0 };
    Object.assign(s, patch);
    this.children.set(name, s);
    this.emit('state', s);
  }
}
