/** `alsx tx <project> [FILE|-]`: apply one transaction through the rules and show what they did. */
import type { Command } from 'commander';
import type { TxOp, TxOutcome } from '../../rules/engine.js';
import { formatKey } from '../../rules/keys.js';
import { renderLogicLog } from '../../rules/trace.js';
import { theme, warn, type Theme } from '../color.js';
import { EXIT } from '../exit.js';
import { parseJson, readInput } from '../input.js';

interface TxFlags {
  db?: string;
  dryRun?: boolean;
  json?: boolean;
}

export function registerTx(program: Command): void {
  program
    .command('tx')
    .summary('apply one transaction through the rules and show its changes and trace')
    .description(
      "Apply one transaction through the project's rules, in one database transaction, and print its " +
        'outcome, the changes it made and the trace of every rule that fired.\n\n' +
        'FILE (or stdin with -) holds a JSON list of operations:\n' +
        '  {"insert": "Order", "values": {"CustomerId": "ALFKI", "EmployeeId": 5}, "as": "o1"}\n' +
        '  {"insert": "OrderDetail", "values": {"OrderId": "$o1.Id", "ProductId": 2, "Quantity": 2}}\n' +
        '  {"update": "OrderDetail", "key": 123, "set": {"Quantity": 5}}\n' +
        '  {"delete": "Order", "key": 10643}\n' +
        'Keys are a value, or an object for composite keys. "$alias.Column" reads a row named with "as".\n\n' +
        'Exit codes: 0 committed (or would commit, with --dry-run), 1 rejected by a rule, 2 bad input.',
    )
    .argument('<project>', 'project folder, e.g. projects/northwind')
    .argument('[file]', 'JSON file with the operations, or - for stdin (the default when piped)')
    .option('--db <path>', "run against another SQLite file with the same tables instead of the project's working database")
    .option('--dry-run', 'run every rule, then roll back: nothing is written')
    .option('--json', 'print the outcome as JSON: {ok, changes, trace} or {ok: false, error, trace}')
    .action(async (projectDir: string, file: string | undefined, flags: TxFlags) => {
      const ops = parseJson(await readInput(file, 'the operations'), file && file !== '-' ? file : 'the input');
      const { openProject } = await import('../../project/load.js');
      const project = await openProject(projectDir, { db: flags.db });
      warn(project.warnings);
      try {
        const outcome = project.engine.run(ops as TxOp[], { origin: 'cli', dryRun: flags.dryRun ?? false });
        process.stdout.write(flags.json ? `${JSON.stringify(toJson(outcome), null, 2)}\n` : renderOutcome(outcome, theme()));
        process.exitCode = outcome.ok ? EXIT.ok : outcome.error?.kind === 'bad-input' ? EXIT.badInput : EXIT.rejected;
      } finally {
        project.close();
      }
    });
}

/** The JSON shape scripts rely on: {ok, changes: [{table, key, values: {col: [old, new]}}], trace} or {ok: false, error: {rule, table, key, message}, trace}. */
export function toJson(o: TxOutcome): Record<string, unknown> {
  const base = { ok: o.ok, tx: o.tx, origin: o.origin, dryRun: o.dryRun, durationMs: Math.round(o.durationMs * 1000) / 1000 };
  if (o.ok) return { ...base, changes: o.changes, trace: o.trace };
  return { ...base, error: o.error, trace: o.trace };
}

const show = (v: unknown): string => (v === null || v === undefined ? 'null' : typeof v === 'string' ? JSON.stringify(v) : String(v));

export function renderOutcome(o: TxOutcome, t: Theme): string {
  const lines: string[] = [];
  const took = `${o.durationMs.toFixed(1)} ms`;
  const rules = o.trace.filter((s) => s.rule).length;
  if (o.ok) {
    lines.push(
      t.ok(`✔ ${o.dryRun ? 'would commit (dry run, rolled back)' : 'committed'}`) + t.dim(`  tx ${o.tx} · ${rules} rule firings · ${took}`),
    );
  } else if (o.error?.kind === 'bad-input') {
    lines.push(t.bad(`✘ bad input: ${o.error.message}`));
  } else {
    const e = o.error!;
    lines.push(t.bad(`✘ rejected by ${e.rule}: ${e.message}`) + t.dim(`  (${e.table} ${formatKey(e.key)}; nothing was written)`));
  }
  if (o.ok && o.changes.length) {
    lines.push('', t.title('changes'));
    for (const c of o.changes) {
      const cols = Object.entries(c.values);
      const shown =
        c.op === 'update'
          ? cols.map(([k, [a, b]]) => `${k} ${show(a)} → ${show(b)}`)
          : cols
              .filter(([, [a, b]]) => (c.op === 'insert' ? b : a) !== null)
              .map(([k, [a, b]]) => `${k} ${show(c.op === 'insert' ? b : a)}`);
      lines.push(`  ${t.op(c.op.padEnd(6))} ${c.table} ${formatKey(c.key)}  ${t.dim(shown.join(', '))}`);
    }
  }
  if (o.trace.length) lines.push('', t.title('logic log'), renderLogicLog(o.trace, t).replace(/^/gm, '  '));
  return `${lines.join('\n')}\n`;
}
