/**
 * Password hashes, made and checked off the event loop.
 *
 *   $scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>    what alsx writes: scrypt from node:crypto,
 *                                                          computed in libuv's thread pool
 *   $2a$… $2b$… $2y$…                                      bcrypt, from older grants: checked in a
 *                                                          worker thread (bcryptjs, even its async API,
 *                                                          computes on the calling thread)
 *
 * A name nobody has is checked against DUMMY_HASH, a hash of the same cost as the real ones, so an
 * unknown user costs the same as a wrong password and timing does not tell which names exist.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ALSX_ROOT } from '../../paths.js';
import { RUNS_COMPILED } from '../../project/import-module.js';

/** scrypt's cost: N = 2^ln, block size r, parallelism p */
export interface ScryptCost {
  ln: number;
  r: number;
  p: number;
}

/** ~100 ms and 32 MiB a check on a laptop core (OWASP's minimum is N=2^17 with r=8 for ~0.1–0.3 s on servers) */
export const DEFAULT_COST: ScryptCost = { ln: 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** the shortest password `alsx users set-password` and the API accept (seeded demo passwords may be shorter) */
export const MIN_PASSWORD_LENGTH = 8;
/** the longest: a megabyte of "password" is a denial of service, not a password */
export const MAX_PASSWORD_LENGTH = 1024;

/** how many checks ran, by kind: tests see that an unknown user's login did the same work */
export const passwordChecks = { scrypt: 0, bcrypt: 0 };

/** a random salt and key in a hash's clothes: no password matches it, and checking costs what a real check costs */
export const DUMMY_HASH = '$scrypt$ln=15,r=8,p=1$MDCkMsm3IWLjVoM0MV48eQ$2bkavrd8lMZ7eTIojUyzCXM2uA4tIqg3N4QoC3tefIQ';

const SCRYPT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
const BCRYPT = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

export function isPasswordHash(hash: unknown): hash is string {
  return typeof hash === 'string' && (parseScrypt(hash) !== undefined || BCRYPT.test(hash));
}

/** a new salted scrypt hash of `password` (a given salt: for a generator that must write the same file every run) */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST, salt = randomBytes(SALT_BYTES)): Promise<string> {
  return format(cost, salt, await scryptAsync(password, salt, KEY_BYTES, cost));
}

/** whether `password` is the one `hash` was made from; false for a hash alsx does not know */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const s = parseScrypt(hash);
  if (s) {
    passwordChecks.scrypt++;
    const actual = await scryptAsync(password, s.salt, s.hash.length, s.cost);
    return actual.length === s.hash.length && timingSafeEqual(actual, s.hash);
  }
  if (BCRYPT.test(hash)) {
    passwordChecks.bcrypt++;
    return bcryptCompare(password, hash);
  }
  return false;
}

function parseScrypt(hash: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | undefined {
  const m = SCRYPT.exec(hash);
  if (!m) return undefined;
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // a cost from a file someone edited must not take the server's memory or minutes of CPU
  if (cost.ln < 10 || cost.ln > 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) return undefined;
  const salt = Buffer.from(m[4]!, 'base64');
  const key = Buffer.from(m[5]!, 'base64');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { cost, salt, hash: key };
}

function format(cost: ScryptCost, salt: Buffer, key: Buffer): string {
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

const options = (c: ScryptCost) => ({ N: 2 ** c.ln, r: c.r, p: c.p, maxmem: 256 * 2 ** c.ln * c.r + 1024 * 1024 });

function scryptAsync(password: string, salt: Buffer, length: number, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options(cost), (e, key) => (e ? reject(e) : resolve(key)));
  });
}

// ---------------------------------------------------------------------------------------------
// bcrypt in a worker thread: one worker, started on the first bcrypt check, not keeping the process alive when idle

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (ok: boolean) => void; reject: (e: Error) => void }>();

function bcryptCompare(password: string, hash: string): Promise<boolean> {
  const w = (worker ??= startWorker());
  const id = nextId++;
  if (waiting.size === 0) w.ref();
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.postMessage({ id, password, hash });
  });
}

function startWorker(): Worker {
  // compiled: the bundled dist/api/security/bcrypt-worker.js; from the sources: the .ts file through tsx's loader
  let w: Worker;
  if (RUNS_COMPILED) w = new Worker(join(ALSX_ROOT, 'dist', 'api', 'security', 'bcrypt-worker.js'));
  else {
    const file = JSON.stringify(new URL('./bcrypt-worker.ts', import.meta.url).href);
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    w = new Worker(`import(${tsx}).then((m) => m.tsImport(${file}, ${file}))`, { eval: true });
  }
  w.on('message', (m: { id: number; ok: boolean }) => {
    const p = waiting.get(m.id);
    waiting.delete(m.id);
    if (waiting.size === 0) w.unref();
    p?.resolve(m.ok === true);
  });
  const fail = (e: Error) => {
    if (worker === w) worker = undefined;
    for (const p of waiting.values()) p.reject(e);
    waiting.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the bcrypt worker stopped (exit code ${code})`)));
  w.unref();
  return w;
}
