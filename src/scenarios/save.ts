/**
 * Writes a recording as a scenario file. Its own module, so that the workbench loads the YAML
 * writer when a recording is first saved, not at start-up.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Scenario, Step } from './format.js';

export const slug = (name: string): string =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'scenario';

/**
 * Writes the recorded steps as projects/<p>/scenarios/<slug>.yaml (never over an existing file),
 * and `fixture` — the SQL that brings the seed to where the recording began — beside it as
 * <slug>.start.sql, its `start:`.
 */
export function saveScenario(projectDir: string, name: string, recorded: { steps: Step[]; clock: string }, fixture?: string): string {
  const dir = join(projectDir, 'scenarios');
  mkdirSync(dir, { recursive: true });
  const free = (base: string) => !existsSync(join(dir, `${base}.yaml`)) && !existsSync(join(dir, `${base}.start.sql`));
  let base = slug(name);
  for (let n = 2; !free(base); n++) base = `${slug(name)}-${n}`;
  const file = join(dir, `${base}.yaml`);
  const date = recorded.clock.slice(0, 10);
  const scenario: Scenario = {
    name,
    description: fixture
      ? `Recorded in the workbench on ${date}. Replays start from the seed with ${base}.start.sql applied: the rows as they were when recording began. Edit the expectations to say what must hold.`
      : `Recorded in the workbench on ${date}, from the seed's rows: replays start from the seed. Edit the expectations to say what must hold.`,
    ...(fixture ? { start: { fixture: `${base}.start.sql` } } : {}),
    clock: recorded.clock,
    steps: recorded.steps,
  };
  if (fixture)
    writeFileSync(
      join(dir, `${base}.start.sql`),
      `-- ${name}: the rows as they were when recording began (on top of the seed)\n${fixture}`,
    );
  writeFileSync(file, `# yaml-language-server: $schema=../../../schemas/scenario.schema.json\n${stringify(scenario, { lineWidth: 120 })}`);
  return file;
}
