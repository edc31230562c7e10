#!/usr/bin/env node
/**
 * The test suite on a busy machine: N processes that keep a CPU busy run beside `vitest run`, which
 * runs K times in a row and stops at the first failure. Tests must wait on conditions, not on the
 * machine's speed; this is how to see that they do.
 *
 *   npm run test:stress                      4 busy processes, 3 runs
 *   npm run test:stress -- --load 6 --runs 1 [vitest arguments, e.g. a test file]
 *
 * The busy processes are `stress --cpu N` where it is installed, else N `node -e` busy loops; they
 * are ended however this ends (success, failure, Ctrl-C, SIGTERM).
 */
import { spawn, spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const [, value] = args.splice(at, 2);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`test:stress: ${name} takes a whole number, not ${value}`);
    process.exit(2);
  }
  return n;
};
const load = option('--load', 4);
const runs = option('--runs', 3);

// the suite runs the compiled alsx: built first, before the load starts
if (spawnSync('npm', ['run', 'build'], { stdio: 'inherit' }).status !== 0) process.exit(1);

const hasStress = spawnSync('stress', ['--version'], { stdio: 'ignore' }).status === 0;
const busy = hasStress
  ? [spawn('stress', ['--cpu', String(load)], { stdio: 'ignore', detached: true })]
  : Array.from({ length: load }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore', detached: true }));
const stopLoad = () => {
  for (const p of busy) {
    try {
      process.kill(-p.pid, 'SIGKILL'); // the group: stress's own workers too
    } catch {}
  }
};
process.on('exit', stopLoad);
let vitest;
const results = [];
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
])
  process.on(signal, () => {
    vitest?.kill(signal);
    stopLoad();
    console.log(`\ntest:stress: stopped by ${signal}${results.length ? `\n  ${results.join('\n  ')}` : ''}`);
    process.exit(128 + number);
  });

console.log(`test:stress: ${load} busy ${hasStress ? 'stress workers' : 'node loops'} beside vitest, ${runs} run(s)`);
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const code = await new Promise((done) => {
    vitest = spawn('npx', ['vitest', 'run', ...args], { stdio: 'inherit' });
    vitest.on('close', (c, signal) => done(c ?? (signal ? 1 : 0)));
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  results.push(`run ${run}: ${code === 0 ? 'passed' : 'FAILED'} in ${seconds} s`);
  console.log(`\ntest:stress: ${results.at(-1)} (load ${load})`);
  if (code !== 0) break;
}
stopLoad();
console.log(`\ntest:stress:\n  ${results.join('\n  ')}`);
process.exit(results.length === runs && results.every((r) => r.includes('passed')) ? 0 : 1);
