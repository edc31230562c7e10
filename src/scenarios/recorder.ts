/**
 * Recording a scenario from what a person does in the workbench: API calls (the Tables pane's
 * writes, the command line's requests), transactions and produced messages become steps, and what
 * was observed becomes their expectations — the status and error, the rows as they ended — ready
 * to edit and to replay.
 */
import type { TxOutcome } from '../rules/engine.js';
import type { Expectation, RowExpectation, Step } from './format.js';

export class Recorder {
  private steps: Step[] | undefined;
  /** when recording began: replays run with this clock, so dates the rules set come out the same */
  private startedAt = new Date();

  get recording(): boolean {
    return this.steps !== undefined;
  }

  get count(): number {
    return this.steps?.length ?? 0;
  }

  start(): void {
    this.steps = [];
    this.startedAt = new Date();
  }

  /** stops and returns what was recorded, with the clock to replay it at */
  stop(): { steps: Step[]; clock: string } {
    const steps = this.steps ?? [];
    this.steps = undefined;
    return { steps, clock: this.startedAt.toISOString() };
  }

  /** a fetch that records the requests it makes while recording (GETs too, unless `writesOnly`) */
  fetch(user: () => string | null, writesOnly = false): typeof fetch {
    return async (input, init) => {
      const response = await fetch(input, init);
      const method = (init?.method ?? 'GET').toUpperCase() as 'GET' | 'POST' | 'PATCH' | 'DELETE';
      if (!this.steps || (writesOnly && method === 'GET')) return response;
      const url = new URL(String(input instanceof Request ? input.url : input));
      const text = await response.clone().text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      this.request(
        method,
        url.pathname + url.search,
        init?.body ? JSON.parse(String(init.body)) : undefined,
        response.status,
        body,
        user(),
      );
      return response;
    };
  }

  request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body: unknown,
    status: number,
    response: unknown,
    user: string | null,
  ): void {
    if (!this.steps) return;
    const expect: Expectation = { status };
    const error = (response as { errors?: { detail?: string; meta?: { rule?: string } }[] } | undefined)?.errors?.[0];
    if (error)
      expect.error = { ...(error.meta?.rule ? { rule: error.meta.rule } : {}), ...(error.detail ? { message: error.detail } : {}) };
    const data = (response as { data?: { type?: string; id?: string; attributes?: Record<string, unknown> } } | undefined)?.data;
    if (method !== 'GET' && status < 300 && data?.type && data.id !== undefined && data.attributes) {
      expect.rows = [{ table: data.type, key: keyOf(data.id), values: data.attributes }];
    }
    this.steps.push({ name: `${method} ${path}`, request: { method, path, ...(body !== undefined ? { body } : {}), as: user }, expect });
  }

  tx(ops: unknown[], outcome: TxOutcome): void {
    if (!this.steps) return;
    const expect: Expectation = { ok: outcome.ok };
    if (outcome.error) expect.error = { ...(outcome.error.rule ? { rule: outcome.error.rule } : {}), message: outcome.error.message };
    // each changed row as it ended (deleted ones: absent)
    const rows = new Map<string, RowExpectation>();
    for (const c of outcome.changes) {
      const id = `${c.table} ${JSON.stringify(c.key)}`;
      const parts = Object.values(c.key ?? {});
      const key = parts.length === 1 ? parts[0] : c.key;
      if (c.op === 'delete') rows.set(id, { table: c.table, key, absent: true });
      else
        rows.set(id, {
          table: c.table,
          key,
          values: { ...(rows.get(id)?.values ?? {}), ...Object.fromEntries(Object.entries(c.values).map(([col, [, now]]) => [col, now])) },
        });
    }
    if (rows.size) expect.rows = [...rows.values()];
    this.steps.push({ name: `tx (${ops.length} op${ops.length === 1 ? '' : 's'})`, tx: ops, expect });
  }

  produce(topic: string, value: unknown): void {
    this.steps?.push({ name: `produce to ${topic}`, produce: { topic, value } });
  }
}

const keyOf = (id: string): unknown => (/^-?\d+$/.test(id) ? Number(id) : id.includes(',') ? id : decodeURIComponent(id));
