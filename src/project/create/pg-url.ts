/**
 * A PostgreSQL URL as `alsx create --db` takes it, and as the created project keeps it: without
 * its password, which comes from PGPASSWORD, ~/.pgpass or ALSX_DATABASE_URL — never from a file in
 * the project, and never printed.
 */
import { ProjectError } from '../errors.js';

/** `postgres://…` or `postgresql://…` */
export function isPgUrl(text: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(text.trim());
}

export interface PgUrl {
  /** the URL to connect with (password included, if the user gave one) */
  connect: string;
  /** the URL without its password: what the config keeps and messages show */
  shown: string;
  /** where the server is, as messages name it: host:port (the socket folder for a Unix socket) */
  server: string;
  database: string;
  user: string;
}

/** Parses a URL given to --db; a malformed one is refused with the shape expected (and without echoing a password). */
export function parsePgUrl(text: string, env: NodeJS.ProcessEnv = process.env): PgUrl {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ProjectError(`--db: not a valid PostgreSQL URL; give one like postgres://user@host:5432/dbname`);
  }
  const shownUrl = new URL(url.href);
  shownUrl.password = '';
  const shown = shownUrl.href;
  const params = url.searchParams;
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || params.get('dbname') || env.PGDATABASE || '';
  const user = decodeURIComponent(url.username) || params.get('user') || env.PGUSER || env.USER || '';
  if (!database) throw new ProjectError(`--db ${shown} names no database; add it to the URL: postgres://user@host:5432/dbname`);
  const host = decodeURIComponent(url.hostname) || params.get('host') || env.PGHOST || 'localhost';
  const port = url.port || params.get('port') || env.PGPORT || '5432';
  // a Unix socket's folder (?host=/var/run/postgresql) is not a host:port
  const server = host.startsWith('/')
    ? `${host} (port ${port})`
    : `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  return { connect: url.href, shown, server, database, user };
}
