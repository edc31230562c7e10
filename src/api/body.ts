/**
 * Request bodies as JSON, within bounds: the size (express's limit, 413) and the nesting depth
 * (400, before anything walks the value). Every route that takes JSON parses it here.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { JsonBoundsError, parseBounded } from '../bounded-json.js';
import { ApiError } from './jsonapi/errors.js';

/** `text` as JSON; 400 naming the position (or the depth) when it is not acceptable */
export function parseBody(text: string): unknown {
  try {
    return parseBounded(text);
  } catch (e) {
    if (e instanceof JsonBoundsError)
      throw new ApiError(400, 'too-deep', 'Body too deep', `the body is refused: ${e.message}`, { pointer: '' });
    throw new ApiError(400, 'malformed-json', 'Malformed JSON', `the body is not valid JSON: ${(e as Error).message}`, { pointer: '' });
  }
}

/** middleware: req.body is the parsed JSON ({} for an empty body), whatever the content type */
export function jsonParser(limit: string): RequestHandler {
  const raw = express.raw({ type: () => true, limit });
  return (req: Request, res: Response, next: NextFunction): void => {
    raw(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        const text = req.body instanceof Buffer ? req.body.toString('utf8') : '';
        req.body = text.trim() ? parseBody(text) : {};
        next();
      } catch (e) {
        next(e);
      }
    });
  };
}
