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

/** writes the recorded steps as projects/<p>/scenarios/<slug>.yaml (never over an existing file) */
export function saveScenario(projectDir: string, name: string, recorded: { steps: Step[]; clock: string }): string {
  const dir = join(projectDir, 'scenarios');
  mkdirSync(dir, { recursive: true });
  let file = join(dir, `${slug(name)}.yaml`);
  for (let n = 2; existsSync(file); n++) file = join(dir, `${slug(name)}-${n}.yaml`);
  const scenario: Scenario = {
    name,
    description: `Recorded in the workbench on ${recorded.clock.slice(0, 10)} (against the working database: replays start from the seed). Edit the expectations to say what must hold.`,
    clock: recorded.clock,
    steps: recorded.steps,
  };
  writeFileSync(file, `# yaml-language-server: $schema=../../../schemas/scenario.schema.json\n${stringify(scenario, { lineWidth: 120 })}`);
  return file;
}
