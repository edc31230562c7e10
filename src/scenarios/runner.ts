/**
 * Running scenarios: each in its own environment (environment.ts), its steps in order, each
 * step's expectations checked against what happened — with the transactions it caused kept, so a
 * failure can be explained by its trace.
 */
import { dirname, resolve } from 'node:path';
import type { TxOutcome, TxOp } from '../rules/engine.js';
import { NotReadOnly } from '../store/types.js';
import { tail, produceOnce, type TailedMessage } from '../kafka/client.js';
import { requestApi } from '../api/request.js';
import { messageValue } from '../kafka/integration/outbox.js';
import { kindOf, type Expectation, type Scenario, type Step } from './format.js';
import { checkError, checkRows, checkTrace, subset } from './expect.js';
import { ScenarioEnvironment, type Templates } from './environment.js';

export interface StepResult {
  index: number;
  name: string;
  kind: string;
  ok: boolean;
  /** one line per unmet expectation */
  failures: string[];
  ms: number;
  /** the transactions the step caused (their traces explain it) */
  outcomes: TxOutcome[];
  /** what the step returned, briefly (status, error, message) */
  summary: string;
}

export interface ScenarioResult {
  id: string;
  file: string;
  name: string;
  ok: boolean;
  ms: number;
  steps: StepResult[];
  /** the scenario could not run at all (bad file, environment failed) */
  error?: string;
}

const DEFAULT_WAIT = 10_000;

interface Observed {
  status?: number;
  body?: unknown;
  ok?: boolean;
  error?: { rule?: string; message?: string };
  result?: Record<string, unknown>[];
  message?: TailedMessage;
  summary: string;
}

export async function runScenario(
  projectDir: string,
  file: string,
  id: string,
  scenario: Scenario,
  templates: Templates,
  onStep?: (s: StepResult) => void,
): Promise<ScenarioResult> {
  const started = performance.now();
  const result: ScenarioResult = { id, file, name: scenario.name, ok: false, ms: 0, steps: [] };
  let env: ScenarioEnvironment | undefined;
  try {
    env = await ScenarioEnvironment.start(projectDir, {
      templates,
      clock: scenario.clock,
      others: scenario.with,
      fixture: scenario.start?.fixture ? resolve(dirname(file), scenario.start.fixture) : undefined,
    });
    for (const [index, step] of scenario.steps.entries()) {
      const r = await runStep(env, scenario, step, index);
      result.steps.push(r);
      onStep?.(r);
      if (!r.ok) break; // later steps build on this one: their failures would only be noise
    }
    result.ok = result.steps.every((s) => s.ok);
  } catch (e) {
    result.error = (e as Error).message;
  } finally {
    await env?.stop();
    result.ms = performance.now() - started;
  }
  return result;
}

async function runStep(env: ScenarioEnvironment, scenario: Scenario, step: Step, index: number): Promise<StepResult> {
  const started = performance.now();
  const kind = kindOf(step);
  const first = env.outcomes.length;
  const failures: string[] = [];
  let observed: Observed = { summary: '' };
  try {
    observed = await perform(env, scenario, step);
  } catch (e) {
    failures.push(`${kind} failed: ${(e as Error).message}`);
  }
  if (failures.length === 0 && step.expect) {
    const deadline = Date.now() + (step.expect.within ?? 0);
    for (;;) {
      const now: string[] = [];
      check(step.expect, observed, env, env.outcomes.slice(first), step, now);
      if (now.length === 0 || Date.now() >= deadline) {
        failures.push(...now);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
      if (kind === 'sql') observed = await perform(env, scenario, step); // a read sees the latest commits
    }
  }
  return {
    index,
    name: step.name ?? `${kind} ${describe(step)}`,
    kind,
    ok: failures.length === 0,
    failures,
    ms: performance.now() - started,
    outcomes: env.outcomes.slice(first),
    summary: observed.summary,
  };
}

function describe(step: Step): string {
  if (step.request) return `${step.request.method ?? 'GET'} ${step.request.path}`;
  if (step.produce) return step.produce.topic;
  if (step.wait) return step.wait.topic;
  if (step.sql) return step.sql.slice(0, 40);
  return `${step.tx!.length} op${step.tx!.length === 1 ? '' : 's'}`;
}

async function perform(env: ScenarioEnvironment, scenario: Scenario, step: Step): Promise<Observed> {
  if (step.request) {
    const r = step.request;
    const method = r.method ?? (r.body === undefined ? 'GET' : 'POST');
    const user = r.as === undefined ? (scenario.user ?? 'admin') : r.as;
    const token = await env.token(user);
    const reply = await requestApi(env.base, method, r.path, r.body, token ? { Authorization: `Bearer ${token}` } : {});
    const e = reply.error;
    return {
      status: reply.status,
      body: reply.body,
      ok: reply.ok,
      error: e,
      summary: `${method} ${r.path} → ${reply.status}${e?.message ? `: ${e.message}` : ''}`,
    };
  }
  if (step.tx) {
    // in a write turn: the scenario's API and workers run in this process too
    const { engine } = env.project(step.project);
    const o = await engine.turns.run(() => engine.run(step.tx as TxOp[], { origin: 'scenario' }));
    return {
      ok: o.ok,
      error: o.error ? { rule: o.error.rule, message: o.error.message } : undefined,
      summary: o.ok ? `committed ${o.tx}` : `${o.error?.rule ? `rejected by ${o.error.rule}` : o.error?.kind}: ${o.error?.message}`,
    };
  }
  if (step.produce) {
    const p = step.produce;
    const value = p.value !== undefined ? p.value : env.samples()[p.topic];
    if (value === undefined) throw new Error(`no value given and no sample for ${p.topic}`);
    const [d] = await produceOnce(env.brokers, p.topic, [{ key: p.key ?? null, value: messageValue(value), headers: p.headers ?? {} }]);
    return { summary: `sent to ${p.topic} [${d!.partition}] @${d!.offset}` };
  }
  if (step.wait) {
    const w = step.wait;
    const message = await waitFor(env.brokers, w.topic, w.match ?? {}, w.timeout ?? DEFAULT_WAIT);
    if (!message)
      throw new Error(
        `no message on ${w.topic}${w.match ? ` matching ${JSON.stringify(w.match)}` : ''} within ${w.timeout ?? DEFAULT_WAIT} ms`,
      );
    return { message, summary: `${w.topic} [${message.partition}] @${message.offset}` };
  }
  let rows: Record<string, unknown>[];
  try {
    rows = env.project(step.project).store.readOnly(step.sql!);
  } catch (e) {
    if (e instanceof NotReadOnly) throw new Error('sql steps only read; change data with a tx or request step');
    throw e;
  }
  return { result: rows, summary: `${rows.length} row${rows.length === 1 ? '' : 's'}` };
}

function check(expect: Expectation, seen: Observed, env: ScenarioEnvironment, outcomes: TxOutcome[], step: Step, out: string[]): void {
  if (expect.status !== undefined && seen.status !== expect.status)
    out.push(`status: expected ${expect.status}, got ${seen.status ?? 'none'}${seen.error?.message ? ` (${seen.error.message})` : ''}`);
  if (expect.ok !== undefined && seen.ok !== expect.ok)
    out.push(`ok: expected ${expect.ok}, got ${seen.ok}${seen.error?.message ? ` (${seen.error.message})` : ''}`);
  if (expect.error) checkError(expect.error, seen.error, out);
  if (expect.body !== undefined) subset(expect.body, seen.body, 'body', out);
  if (expect.result) subset(expect.result, seen.result, 'result', out);
  if (expect.message) {
    const m = seen.message;
    subset(
      expect.message,
      m ? { key: m.key?.toString('utf8') ?? null, headers: m.headers, value: parse(m.value) } : undefined,
      'message',
      out,
    );
  }
  if (expect.rows) checkRows(expect.rows, (p) => env.project(p ?? step.project).store, out);
  if (expect.trace)
    checkTrace(
      expect.trace,
      outcomes.flatMap((o) => o.trace),
      out,
    );
}

function parse(v: Buffer | null): unknown {
  if (!v) return null;
  try {
    return JSON.parse(v.toString('utf8'));
  } catch {
    return v.toString('utf8');
  }
}

/** the first message on `topic` (from its beginning: the broker is the scenario's own) that matches */
async function waitFor(
  brokers: string[],
  topic: string,
  match: NonNullable<Step['wait']>['match'],
  timeoutMs: number,
): Promise<TailedMessage | undefined> {
  let found: TailedMessage | undefined;
  let done: () => void = () => {};
  const finished = new Promise<void>((ok) => (done = ok));
  const timer = setTimeout(done, timeoutMs);
  const consumer = await tail(brokers, topic, { fromBeginning: true }, (m) => {
    if (found) return;
    const misses: string[] = [];
    subset(match ?? {}, { key: m.key?.toString('utf8') ?? null, headers: m.headers, value: parse(m.value) }, 'message', misses);
    if (misses.length === 0) {
      found = m;
      done();
    }
  });
  await finished;
  clearTimeout(timer);
  await consumer.close().catch(() => {});
  return found;
}
