/** JUnit XML for CI: one testsuite per project, one testcase per scenario, failures with their diffs. */
import type { ScenarioResult } from './runner.js';

const esc = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function failureText(r: ScenarioResult): string {
  if (r.error) return r.error;
  return r.steps
    .filter((s) => !s.ok)
    .map((s) => `step ${s.index + 1} "${s.name}" (${s.summary || s.kind}):\n${s.failures.map((f) => `  ${f}`).join('\n')}`)
    .join('\n');
}

export function junitXml(project: string, results: ScenarioResult[]): string {
  const failures = results.filter((r) => !r.ok && !r.error).length;
  const errors = results.filter((r) => r.error).length;
  const time = (ms: number) => (ms / 1000).toFixed(3);
  const cases = results.map((r) => {
    const head = `    <testcase classname="${esc(project)}" name="${esc(r.name)}" file="${esc(r.file)}" time="${time(r.ms)}"`;
    if (r.ok) return `${head}/>`;
    const tag = r.error ? 'error' : 'failure';
    const text = failureText(r);
    return `${head}>\n      <${tag} message="${esc(text.split('\n')[0]!)}">${esc(text)}</${tag}>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="alsx test" tests="${results.length}" failures="${failures}" errors="${errors}" time="${time(results.reduce((n, r) => n + r.ms, 0))}">`,
    `  <testsuite name="${esc(project)}" tests="${results.length}" failures="${failures}" errors="${errors}" time="${time(results.reduce((n, r) => n + r.ms, 0))}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
