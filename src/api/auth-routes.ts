/**
 * The API's account routes:
 *
 *   POST /api/auth/login                    {username, password} → a token (no token needed)
 *   PUT  /api/auth/password                 {current, password}: a logged-in user's own; → a new token
 *   PUT  /api/auth/users/:name/password     {password}: an admin sets anyone's (roles of manageUsers)
 *   POST /api/auth/users/:name/revoke       an admin ends every token a user holds
 *
 * A refused login is 401; too many failures 429 with Retry-After (no password checked); too many
 * logins being checked at once 503 with Retry-After. Every error is a JSON:API error object.
 */
import { jsonParser } from './body.js';
import { type Request, type Response, Router } from 'express';
import type { User } from './security/access.js';
import { type Auth, type LoginOutcome, UserError } from './security/auth.js';
import { ApiError, badMember, forbidden, notFound } from './jsonapi/errors.js';

const body = jsonParser('16kb');
const fields = (req: Request): Record<string, unknown> =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
const address = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? '';

/** POST /api/auth/login: mounted before the token guard */
export function loginRouter(auth: Auth): Router {
  const router = Router();
  router.post('/auth/login', body, async (req, res) => {
    const b = fields(req);
    const outcome = await auth.login(b.username ?? b.user, b.password, address(req));
    if (!outcome.ok) throw refused(res, outcome, 'wrong user name or password');
    await sendToken(res, auth, outcome.user);
  });
  return router;
}

/** the routes that need a token: mounted after the guard */
export function accountRouter(auth: Auth, enabled: boolean, userOf: (req: Request) => User | null): Router {
  const router = Router();
  const noUsers = () =>
    notFound('security is off in this project (security/grants.ts has enabled: false): there are no users or passwords');

  router.put('/auth/password', body, async (req, res) => {
    const user = userOf(req);
    if (!enabled || !user) throw noUsers();
    const b = fields(req);
    const outcome = await attempt(res, () => auth.changeOwnPassword(user, b.current, b.password, address(req)));
    if (!outcome.ok) throw refused(res, outcome, 'the current password is wrong', 403);
    await sendToken(res, auth, outcome.user);
  });

  const manage = (req: Request, verb: string): string => {
    if (!enabled) throw noUsers();
    if (!auth.mayManage(userOf(req))) throw forbidden(`${verb} another user's needs a role of security/grants.ts manageUsers`);
    return String(req.params.name);
  };

  router.put('/auth/users/:name/password', body, async (req, res) => {
    const name = manage(req, 'setting a password of');
    const password = fields(req).password;
    if (typeof password !== 'string') throw badMember('/password', 'give the new password: {"password": "…"}');
    await attempt(res, () => auth.setPassword(name, password));
    res.status(204).end();
  });

  router.post('/auth/users/:name/revoke', async (req, res) => {
    const name = manage(req, 'ending the tokens of');
    await attempt(res, () => auth.inTurn(() => auth.revoke(name)));
    res.status(204).end();
  });
  return router;
}

async function sendToken(res: Response, auth: Auth, user: User): Promise<void> {
  const { token, expiresIn } = await auth.token(user);
  res.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn, user: user.name, roles: user.roles });
}

/** a UserError in the client's terms */
async function attempt<T>(res: Response, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    if (e.kind === 'no-such-user') throw notFound(e.message);
    if (e.kind === 'busy') {
      res.set('Retry-After', '1');
      throw new ApiError(503, 'busy', 'Too busy', e.message, undefined, { retryAfter: 1 });
    }
    throw badMember('/password', e.message, 'bad-password');
  }
}

function refused(res: Response, outcome: Exclude<LoginOutcome, { ok: true }>, wrong: string, wrongStatus = 401): ApiError {
  if (outcome.reason === 'bad-credentials')
    return new ApiError(wrongStatus, 'bad-credentials', wrongStatus === 401 ? 'Unauthorized' : 'Forbidden', wrong);
  res.set('Retry-After', String(outcome.retryAfter));
  if (outcome.reason === 'backoff')
    return new ApiError(
      429,
      'too-many-logins',
      'Too many requests',
      `too many failed logins for this user or from this address; try again in ${outcome.retryAfter} s`,
      undefined,
      { retryAfter: outcome.retryAfter },
    );
  return new ApiError(503, 'busy', 'Too busy', 'too many logins are being checked right now; try again in a moment', undefined, {
    retryAfter: outcome.retryAfter,
  });
}
