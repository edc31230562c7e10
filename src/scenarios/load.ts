/** Reading scenario files: YAML, checked against schemas/scenario.schema.json, errors with file and line. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALSX_ROOT } from '../paths.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument } from 'yaml';
import type { Scenario } from './format.js';

export const SCHEMA_FILE = pathToFileURL(join(ALSX_ROOT, 'schemas', 'scenario.schema.json'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));

export interface ScenarioFile {
  file: string;
  /** the file name without .yaml: how scenarios are named on the command line and in reports */
  id: string;
  scenario?: Scenario;
  /** why the file cannot be run (bad YAML, not the format) */
  error?: string;
}

export function scenarioFiles(projectDir: string): string[] {
  const dir = join(projectDir, 'scenarios');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => join(dir, f))
    : [];
}

export function readScenario(file: string): ScenarioFile {
  const id = file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  const where = relative(process.cwd(), file) || file;
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const at = lines.linePos(e.pos[0]);
    return { file, id, error: `${where}:${at.line}:${at.col}: ${e.message.split('\n')[0]}` };
  }
  const value = doc.toJS() as unknown;
  if (!validate(value)) {
    // the most telling error: an unknown key, then "which kind of step", then whatever came first
    const all = validate.errors!;
    const e = all.find((x) => x.keyword === 'additionalProperties') ?? all.find((x) => x.keyword === 'oneOf') ?? all[0]!;
    const path = e.instancePath.split('/').filter(Boolean);
    // the line of the offending node, when the YAML has it
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? `:${lines.linePos(node.range[0]).line}` : '';
    const detail =
      e.keyword === 'additionalProperties'
        ? `unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`
        : e.keyword === 'oneOf'
          ? 'a step is one of request, tx, produce, wait or sql'
          : e.message;
    return { file, id, error: `${where}${line}: ${e.instancePath || 'the scenario'} ${detail}` };
  }
  return { file, id, scenario: value as Scenario };
}
