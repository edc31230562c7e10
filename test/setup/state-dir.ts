/**
 * Each test file keeps the projects' runtime state (working databases, broker data, secrets) in a
 * folder of its own, never in projects/<p>/.alsx: tests cannot disturb a developer's running
 * project, nor each other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'alsx-state-'));
process.env.ALSX_STATE_DIR = dir;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
