/** kafka-python (Debian's python3-kafka 2.0.2), a third independent client: produce, group consume, commit, admin. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/kafka/broker/broker.js';

const PYTHON = '/usr/bin/python3'; // Debian's, where apt installs python3-kafka
let dir: string;
let broker: Broker;
beforeAll(async () => {
  const probe = spawnSync(PYTHON, ['-c', 'import kafka']);
  if (probe.status !== 0) throw new Error('kafka-python is missing: apt-get install python3-kafka (.ci/run does this)');
  dir = mkdtempSync(join(tmpdir(), 'alsx-py-'));
  broker = new Broker({ dataDir: dir, port: 0, defaultPartitions: 2, initialRebalanceDelayMs: 100 });
  await broker.start();
});
afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kafka-python', () => {
  it('produces, consumes as a group, commits, and lists groups and offsets', async () => {
    const out = await new Promise<string>((ok, fail) => {
      const child = spawn(PYTHON, [resolve(import.meta.dirname, 'fixtures/kafka_python_client.py'), `127.0.0.1:${broker.port}`]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => (code === 0 ? ok(stdout) : fail(new Error(`kafka-python exited ${code}: ${stderr.slice(-500)}`))));
    });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.values).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(result.groups).toContain('pyg');
    expect(result.committed).toBe(20);
  });
});
