/** Running a `:` command: the same effects as the headless commands, shown as lines in the workbench. */
import type { TxOutcome } from '../../rules/engine.js';
import type { Session } from '../session.js';
import { COMMANDS, type Command } from './parse.js';
import { requestApi } from '../../api/request.js';
import type { QueryResult } from '../sql-query.js';
import { formatValue } from '../tables/format.js';

export interface CommandEnv {
  /** the API's base URL (http://127.0.0.1:5656), once it is up */
  apiBase(): string | undefined;
  session: Session;
  samples: Record<string, unknown>;
  produce(topic: string, value: Buffer): Promise<{ partition: number; offset: string }>;
  /** a read-only query on the working database */
  /** a read-only query, off the screen's thread; `signal` cancels it */
  sql(query: string, signal?: AbortSignal): Promise<QueryResult>;
  /** a transaction through the rules in this process (origin tui) */
  tx(ops: unknown): Promise<TxOutcome>;
  /** how API requests are made (the workbench records them while a scenario is being recorded) */
  fetch?: typeof fetch;
}

export interface CommandResult {
  ok: boolean;
  summary: string;
  lines: string[];
}

const pretty = (v: unknown): string[] => JSON.stringify(v, null, 2).split('\n');

export const HELP: [string, string][] = [
  [':tx [ops…]', 'a transaction through the rules, e.g. :tx [{"update":"Customer","key":"ALFKI","set":{"CreditLimit":3000}}]'],
  [':get /api/…', 'GET from the API as the logged-in user (e.g. :get /api/Customer/ALFKI)'],
  [':post /api/… {…}', 'POST (also :patch, :delete)'],
  [':produce TOPIC [{…}]', "a message to a topic (no body: the project's sample)"],
  [':sql select …', 'a read-only query on the working database (the first 500 rows; esc stops it)'],
  [':login NAME', 'act as that user (a customer id too): the API and the Tables pane as they see it; :logout to return'],
  [':help', 'this list'],
];

/** runs one command; `signal` (esc in the workbench) cancels what can be cancelled — a long :sql */
export async function runCommand(cmd: Command, env: CommandEnv, signal?: AbortSignal): Promise<CommandResult> {
  switch (cmd.kind) {
    case 'help':
      return {
        ok: true,
        summary: `commands: ${COMMANDS.map((c) => `:${c}`).join(' ')}`,
        lines: HELP.map(([c, d]) => `${c.padEnd(22)} ${d}`),
      };
    case 'login':
      await env.session.loginAs(cmd.user);
      return { ok: true, summary: `logged in as ${cmd.user}`, lines: [] };
    case 'logout': {
      const now = await env.session.logout();
      return {
        ok: true,
        summary: now ? `back to ${now}: the Tables pane and requests as at start` : 'logged out: requests go without a token',
        lines: [],
      };
    }
    case 'sql': {
      const { rows, more, columns } = await env.sql(cmd.query, signal);
      const summary = more
        ? `the first ${rows.length} rows (there are more: add a WHERE or LIMIT)`
        : `${rows.length} row${rows.length === 1 ? '' : 's'}`;
      return { ok: true, summary, lines: table(rows, columns) };
    }
    case 'tx': {
      const o = await env.tx(cmd.ops);
      if (o.ok)
        return {
          ok: true,
          summary: `✔ committed tx ${o.tx}: ${o.changes.length} row change${o.changes.length === 1 ? '' : 's'}, ${o.trace.length} rule firing${o.trace.length === 1 ? '' : 's'} (Trace pane)`,
          lines: o.changes.map(
            (c) =>
              `${c.op} ${c.table} ${JSON.stringify(c.key)}: ${Object.entries(c.values)
                .map(([k, [a, b]]) => `${k} ${JSON.stringify(a)} → ${JSON.stringify(b)}`)
                .join(', ')}`,
          ),
        };
      return { ok: false, summary: `✘ ${o.error?.rule ? `rejected by ${o.error.rule}` : o.error?.kind}: ${o.error?.message}`, lines: [] };
    }
    case 'produce': {
      const value =
        cmd.value !== undefined
          ? JSON.stringify(cmd.value)
          : (cmd.text ?? (cmd.topic in env.samples ? JSON.stringify(env.samples[cmd.topic]) : undefined));
      if (value === undefined) return { ok: false, summary: `no message given and no sample for ${cmd.topic}`, lines: [] };
      const at = await env.produce(cmd.topic, Buffer.from(value));
      return {
        ok: true,
        summary: `✔ sent to ${cmd.topic} [${at.partition}] @${at.offset}`,
        lines: pretty(JSON.parse(value.startsWith('{') || value.startsWith('[') ? value : JSON.stringify(value))),
      };
    }
    case 'http': {
      const base = env.apiBase();
      if (!base) return { ok: false, summary: 'the API is not up (Runtimes pane: 4)', lines: [] };
      const r = await requestApi(base, cmd.method, cmd.path, cmd.body, env.session.headers(), env.fetch);
      const error = r.error;
      const summary = `${r.ok ? '✔' : '✘'} ${cmd.method} ${cmd.path} → ${r.status}${error ? `: ${error.rule ? `${error.rule}: ` : ''}${error.message ?? ''}` : ''}`;
      return { ok: r.ok, summary, lines: r.body === undefined ? [] : typeof r.body === 'string' ? r.body.split('\n') : pretty(r.body) };
    }
  }
}

/**
 * rows as aligned text columns; a value of a table's column as the Tables pane shows it (a DECIMAL
 * with its scale: 2102.00, not 2102)
 */
function table(rows: Record<string, unknown>[], columns: QueryResult['columns'] = []): string[] {
  if (rows.length === 0) return [];
  const cols = Object.keys(rows[0]!);
  const declared = new Map(columns.map((c) => [c.name, c.kind === null ? undefined : { kind: c.kind, scale: c.scale }]));
  const cell = (v: unknown, c: string): string =>
    v === null || v === undefined
      ? '∅'
      : typeof v === 'number' || typeof v === 'bigint'
        ? formatValue(declared.get(c), v)
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v);
  const widths = cols.map((c) => Math.min(30, Math.max(c.length, ...rows.map((r) => cell(r[c], c).length))));
  const line = (vals: string[]) =>
    vals.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join('  ');
  return [line(cols), line(widths.map((w) => '─'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c], c))))];
}
