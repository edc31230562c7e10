/**
 * A PostgreSQL URL as `alsx create --db` takes it, and as the created project keeps it: without
 * its password, which comes from PGPASSWORD, ~/.pgpass or ALSX_DATABASE_URL — never from a file in
 * the project, and never printed.
 */
/** a URL that cannot be a PostgreSQL URL (callers say it in their terms: --db, db.url) */
export class PgUrlError extends Error {
  override name = 'PgUrlError';
}

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
    throw new PgUrlError(`not a valid PostgreSQL URL; give one like postgres://user@host:5432/dbname`);
  }
  const shownUrl = new URL(url.href);
  shownUrl.password = '';
  const shown = shownUrl.href;
  const params = url.searchParams;
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || params.get('dbname') || env.PGDATABASE || '';
  const user = decodeURIComponent(url.username) || params.get('user') || env.PGUSER || env.USER || '';
  if (!database) throw new PgUrlError(`${shown} names no database; add it to the URL: postgres://user@host:5432/dbname`);
  const host = decodeURIComponent(url.hostname) || params.get('host') || env.PGHOST || 'localhost';
  const port = url.port || params.get('port') || env.PGPORT || '5432';
  // a Unix socket's folder (?host=/var/run/postgresql) is not a host:port
  const server = host.startsWith('/')
    ? `${host} (port ${port})`
    : `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  return { connect: url.href, shown, server, database, user };
}

/** how long a connection attempt may take */
export const CONNECT_TIMEOUT_MS = 10_000;

/** why connecting to `url` failed, in the user's terms and with the fix — never with the password */
export function explainConnectError(e: unknown, url: PgUrl): string {
  const err = e as Error & { code?: string };
  const message = err.message ?? String(e);
  const passwordHelp = `set PGPASSWORD, add a line to ~/.pgpass (host:port:database:user:password), or give the URL with its password in ALSX_DATABASE_URL`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `cannot reach PostgreSQL at ${url.server}: nothing accepts connections there — start the server, or correct the host and port in the URL`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach PostgreSQL at ${url.server}: the host name is not known — correct the host in the URL`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach PostgreSQL at ${url.server} (${err.code}): check the host and port, and that a firewall lets you through`;
    case 'ENOENT':
      return `cannot reach PostgreSQL at ${url.server}: no server socket there — start the server, or correct ?host= in the URL`;
    case '28P01':
      return `PostgreSQL at ${url.server}: authentication failed for user "${url.user}" — ${passwordHelp}`;
    case '28000':
      return (
        `PostgreSQL at ${url.server} does not let user "${url.user}" in (${message}) — name a user who may connect to ${url.database}, ` +
        `or ask its administrator to create the role or allow it in pg_hba.conf`
      );
    case '3D000':
      return `PostgreSQL at ${url.server} has no database "${url.database}" — correct its name in the URL, or create it (createdb ${url.database})`;
    case '53300':
      return `PostgreSQL at ${url.server} has no connection slots left (${message}): try again, or raise max_connections`;
  }
  if (/password must be a string|no password|password authentication/i.test(message))
    return `PostgreSQL at ${url.server} asks user "${url.user}" for a password and none was given — ${passwordHelp}`;
  if (/timeout/i.test(message))
    return `cannot reach PostgreSQL at ${url.server}: no answer in ${CONNECT_TIMEOUT_MS / 1000} s — check the host and port, and that a firewall lets you through`;
  if (/SSL|TLS|certificate/i.test(message))
    return `PostgreSQL at ${url.server}: ${message} — adjust sslmode in the URL (e.g. ?sslmode=require)`;
  return `cannot connect to PostgreSQL at ${url.server}: ${message.split(url.connect).join(url.shown)}`;
}
