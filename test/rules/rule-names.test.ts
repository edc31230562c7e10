/** Rules are named by their source as written, even after esbuild has compiled the project. */
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { analyze, asWritten } from '../../src/rules/analyze.js';

/** the function as the project's compiled rules hold it: through esbuild, as src/project/modules.ts builds them */
function compiled(source: string): (...args: never[]) => unknown {
  const { code } = transformSync(`(${source})`, { loader: 'ts', target: 'node20' });
  return new Function(`return ${code}`)() as (...args: never[]) => unknown;
}

describe('rule names', () => {
  it('show numbers as written, not as esbuild shortens them', () => {
    const f = compiled('(d: { Budget: number }) => d.Budget <= 100000');
    expect(f.toString()).toContain('1e5'); // what the bundler made of it
    expect(analyze(f as never).body).toBe('Budget <= 100000');
    expect(analyze(compiled('(d: { Rate: number }) => d.Rate >= 0.000001 && d.Rate < 2500') as never).body).toBe(
      'Rate >= 0.000001 && Rate < 2500',
    );
  });

  it('keep what cannot be plain digits', () => {
    expect(asWritten('1e21')).toBe('1e21');
    expect(asWritten('1e-7')).toBe('1e-7');
    expect(asWritten('0xff')).toBe('0xff');
    expect(asWritten('2.5')).toBe('2.5');
  });
});
