/**
 * A scenario (projects/<p>/scenarios/*.yaml), as a person writes it:
 *
 *   name: Bad order refused for credit
 *   description: ALFKI orders 2000 Chang; the credit rule refuses it and nothing is written.
 *   user: admin                      # who API requests go as (a step's `as` overrides)
 *   steps:
 *     - name: place the order
 *       request: { method: POST, path: /api/ServicesEndPoint/OrderB2B, body: {…} }
 *       expect:
 *         status: 422
 *         error: { rule: "Customer: Balance <= CreditLimit", message: exceeds credit }
 *         rows: [{ table: Customer, key: ALFKI, values: { Balance: 2102 } }]
 *
 * Step kinds: request, tx, produce, wait, sql. Expectations: status, error, body (a subset),
 * ok, rows (values, count, absent), result (of sql), trace (rules fired, in order), message (of
 * wait), and `within` ms to keep checking until they hold (Kafka is asynchronous).
 * schemas/scenario.schema.json is the same, for editors.
 */
export interface Scenario {
  name: string;
  description?: string;
  /** the starting state: the project's seed (default), plus a SQL fixture (relative to the scenario) */
  start?: { fixture?: string };
  /** the default user of API requests */
  user?: string;
  /** other projects running alongside on the same broker (e.g. shipping) */
  with?: string[];
  /** the clock the rules see (ISO); default 2026-01-15T10:00:00Z, so replays give the same values */
  clock?: string;
  steps: Step[];
}

export interface RequestStep {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  as?: string | null;
}
export interface ProduceStep {
  topic: string;
  key?: string;
  headers?: Record<string, string>;
  value?: unknown;
}
export interface WaitStep {
  topic: string;
  timeout?: number;
  match?: { key?: string; headers?: Record<string, string>; value?: unknown };
}

export interface Step {
  name?: string;
  request?: RequestStep;
  tx?: unknown[];
  produce?: ProduceStep;
  wait?: WaitStep;
  sql?: string;
  /** which project a tx or sql step runs in (default the scenario's) */
  project?: string;
  expect?: Expectation;
}

export interface RowExpectation {
  table: string;
  /** the row's key (composite: an object) … */
  key?: unknown;
  /** … or the rows whose columns equal these */
  where?: Record<string, unknown>;
  values?: Record<string, unknown>;
  count?: number;
  absent?: boolean;
  /** the project whose database to look in (default the scenario's) */
  project?: string;
}

export interface Expectation {
  status?: number;
  ok?: boolean;
  error?: { rule?: string; message?: string };
  body?: unknown;
  rows?: RowExpectation[];
  result?: Record<string, unknown>[];
  /** rule names (or parts of them) that fired, in this order */
  trace?: string[];
  message?: { key?: string; headers?: Record<string, string>; value?: unknown };
  within?: number;
}

export const STEP_KINDS = ['request', 'tx', 'produce', 'wait', 'sql'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export function kindOf(step: Step): StepKind {
  return STEP_KINDS.find((k) => step[k] !== undefined)!;
}
