/**
 * The workbench's `:` command line, parsed: the headless commands, typed where you are.
 *
 *   :tx [{"insert": "Order", …}, …]       a transaction through the rules (origin tui)
 *   :get /api/Customer/ALFKI              the API, as the logged-in user
 *   :post|:patch /api/… {…}   :delete /api/…
 *   :produce order_b2b {…}                a message (no body: the project's sample)
 *   :sql select …                         a read-only query on the working database
 *   :login ALFKI [password]   :logout   :help
 */
export type Command =
  | { kind: 'tx'; ops: unknown }
  | { kind: 'http'; method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; body?: unknown }
  | { kind: 'produce'; topic: string; key?: string; value?: unknown; text?: string }
  | { kind: 'sql'; query: string }
  | { kind: 'login'; user: string; password: string }
  | { kind: 'logout' }
  | { kind: 'help' };

export const COMMANDS = ['tx', 'get', 'post', 'patch', 'delete', 'produce', 'sql', 'login', 'logout', 'help'] as const;

export class CommandError extends Error {
  override name = 'CommandError';
}

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CommandError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

export function parseCommand(line: string): Command {
  const text = line.trim().replace(/^:/, '');
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text);
  if (!m) throw new CommandError('type a command, e.g. :get /api/Customer/ALFKI (:help lists them)');
  const [, name, rest] = m as unknown as [string, string, string];
  switch (name.toLowerCase()) {
    case 'tx':
      if (!rest)
        throw new CommandError(
          ':tx takes a JSON list of operations, e.g. :tx [{"update":"Customer","key":"ALFKI","set":{"CreditLimit":3000}}]',
        );
      return { kind: 'tx', ops: json(rest, 'the transaction') };
    case 'get':
    case 'post':
    case 'patch':
    case 'delete': {
      const [, path, body] = /^(\S+)\s*([\s\S]*)$/.exec(rest) ?? [];
      if (!path?.startsWith('/')) throw new CommandError(`:${name} takes a path such as /api/Customer/ALFKI`);
      const method = name.toUpperCase() as 'GET' | 'POST' | 'PATCH' | 'DELETE';
      if ((method === 'POST' || method === 'PATCH') && !body) throw new CommandError(`:${name} ${path} needs a JSON body`);
      return {
        kind: 'http',
        method,
        path: path.startsWith('/api') ? path : `/api${path}`,
        ...(body ? { body: json(body, 'the body') } : {}),
      };
    }
    case 'produce': {
      const [, topic, body] = /^(\S+)\s*([\s\S]*)$/.exec(rest) ?? [];
      if (!topic) throw new CommandError(':produce takes a topic and a message, e.g. :produce order_b2b {"AccountId": "ALFKI", …}');
      if (!body) return { kind: 'produce', topic };
      try {
        return { kind: 'produce', topic, value: JSON.parse(body) };
      } catch {
        return { kind: 'produce', topic, text: body };
      }
    }
    case 'sql':
      if (!rest) throw new CommandError(':sql takes a query, e.g. :sql select Id, Balance from Customer limit 5');
      return { kind: 'sql', query: rest };
    case 'login': {
      const [user, password = 'p'] = rest.split(/\s+/).filter(Boolean);
      if (!user) throw new CommandError(':login takes a user name, e.g. :login ALFKI');
      return { kind: 'login', user, password };
    }
    case 'logout':
      return { kind: 'logout' };
    case 'help':
    case '?':
      return { kind: 'help' };
    default:
      throw new CommandError(`no command :${name}; try ${COMMANDS.map((c) => `:${c}`).join(' ')}`);
  }
}

/**
 * Tab completion: the command name, then what fits where the cursor is — a table after /api/, a
 * topic after :produce, a table after from/join in :sql. Returns the completed line, or the
 * candidates when there are several.
 */
export function complete(line: string, names: { tables: string[]; topics: string[] }): { line: string; candidates: string[] } {
  const pick = (prefix: string, options: readonly string[], rebuild: (choice: string) => string) => {
    const hits = options.filter((o) => o.toLowerCase().startsWith(prefix.toLowerCase()));
    if (hits.length === 1) return { line: rebuild(hits[0]!), candidates: [] };
    const common = hits.reduce((a, b) => {
      let i = 0;
      while (i < a.length && i < b.length && a[i]!.toLowerCase() === b[i]!.toLowerCase()) i++;
      return a.slice(0, i);
    }, hits[0] ?? '');
    return { line: common.length > prefix.length ? rebuild(common).trimEnd() : line, candidates: hits };
  };
  let m = /^:?(\w*)$/.exec(line);
  if (m) return pick(m[1]!, COMMANDS, (c) => `:${c} `);
  m = /^(:(?:get|post|patch|delete)\s+\/api\/)(\w*)$/i.exec(line);
  if (m) return pick(m[2]!, names.tables, (t) => `${m![1]}${t}`);
  m = /^(:produce\s+)([\w.-]*)$/i.exec(line);
  if (m) return pick(m[2]!, names.topics, (t) => `${m![1]}${t} `);
  m = /^(:sql\s[\s\S]*\b(?:from|join)\s+"?)(\w*)$/i.exec(line);
  if (m) return pick(m[2]!, names.tables, (t) => `${m![1]}${t}`);
  return { line, candidates: [] };
}
