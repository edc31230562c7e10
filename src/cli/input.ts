/** Reading a command's JSON input from a file or stdin, with errors in the user's terms. */
import { readFileSync } from 'node:fs';
import { CliError } from './exit.js';

export async function readInput(file: string | undefined, what: string, example = "echo '[…]' | alsx tx <project> -"): Promise<string> {
  if (file === undefined || file === '-') {
    if (file === undefined && process.stdin.isTTY) throw new CliError(`give ${what} as a FILE, or pipe it in: ${example}`);
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      where = ` (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
    }
    throw new CliError(`${source} is not valid JSON${where}: ${msg.replace(/ in JSON at position \d+.*$/, '')}`);
  }
}
