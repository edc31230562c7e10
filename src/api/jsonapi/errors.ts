/**
 * JSON:API error objects. Every failure the API reports is one of these, in the client's terms —
 * which parameter, which member of the body, which rule — never a stack trace.
 *
 * Status codes: 400 a malformed request or unknown member, 401 no or bad credentials, 403 not
 * granted, 404 no such resource (or filtered out by row security), 405 method not allowed for the
 * relationship, 406/415 content negotiation, 409 conflict (type mismatch, client id already used),
 * 412 stale If-Match / checksum, 422 refused by a rule (constraint, foreign key, rule error), with the
 * rule, row and transaction in `meta`.
 */
import type { TxError } from '../../rules/engine.js';

export interface ErrorObject {
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string; header?: string };
  meta?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly source?: ErrorObject['source'],
    readonly meta?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  toObject(): ErrorObject {
    return {
      status: String(this.status),
      code: this.code,
      title: this.title,
      detail: this.message,
      ...(this.source ? { source: this.source } : {}),
      ...(this.meta ? { meta: this.meta } : {}),
    };
  }
}

export const badParameter = (parameter: string, detail: string, code = 'invalid-parameter'): ApiError =>
  new ApiError(400, code, 'Invalid query parameter', detail, { parameter });

export const badMember = (pointer: string, detail: string, code = 'invalid-member'): ApiError =>
  new ApiError(400, code, 'Invalid document', detail, { pointer });

export const notFound = (detail: string): ApiError => new ApiError(404, 'not-found', 'Not found', detail);

export const forbidden = (detail: string, source?: ErrorObject['source']): ApiError =>
  new ApiError(403, 'forbidden', 'Forbidden', detail, source);

/** An engine outcome's error, as the API answers it. */
export function fromTxError(e: TxError, tx: string, pointerBase = '/data'): ApiError {
  if (e.kind === 'bad-input') {
    const member = e.pointer ? memberPointer(e.pointer, pointerBase) : pointerBase;
    switch (e.code) {
      case 'not-found':
        return new ApiError(404, 'not-found', 'Not found', e.message);
      case 'duplicate':
        return new ApiError(409, 'conflict', 'Conflict', e.message, { pointer: `${pointerBase}/id` });
      case 'busy':
        return new ApiError(503, 'busy', 'Database busy', e.message);
      default:
        return new ApiError(400, e.code ?? 'invalid-member', 'Invalid document', e.message, { pointer: member });
    }
  }
  const title = e.kind === 'constraint' ? 'Refused by a rule' : e.kind === 'integrity' ? 'Refused: a reference is broken' : 'A rule failed';
  return new ApiError(
    422,
    e.kind === 'constraint' ? 'rule-violation' : e.kind,
    title,
    e.message,
    { pointer: pointerBase },
    {
      rule: e.rule,
      table: e.table,
      key: e.key,
      tx,
    },
  );
}

/** the engine's "ops[0].values.Quantity" → "/data/attributes/Quantity" */
function memberPointer(pointer: string, base: string): string {
  const m = /(?:values|set)\.(\w+)$/.exec(pointer);
  return m ? `${base}/attributes/${m[1]}` : base;
}
