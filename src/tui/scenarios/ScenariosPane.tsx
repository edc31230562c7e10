/**
 * The Scenarios pane: the project's scenarios with their last result; enter replays the selected
 * one in a fresh world of its own (its own database copy, broker and workers — the project's
 * running runtimes are not touched), each step shown as it passes or fails with the diff, and its
 * transactions sent to the Trace pane.
 */
import { Box, Text } from 'ink';
import { useKeys } from '../use-keys.js';
import { useEffect, useRef, useState } from 'react';
import type { Project } from '../../project/load.js';
import { txRecord, type TxRecord } from '../../runtime/protocol.js';
import type { ScenarioFile } from '../../scenarios/load.js';
import type { Templates } from '../../scenarios/environment.js';
import type { ScenarioResult, StepResult } from '../../scenarios/runner.js';
import type { KeyHint, PaneProps } from '../pane.js';
import { useWorkbench } from '../pane.js';

export const scenariosHints: KeyHint[] = [
  { keys: '↑↓ g G', does: 'select a scenario (PgUp PgDn a page)' },
  { keys: 'enter', does: 'replay it (a fresh world; steps and diffs below, its transactions in Trace)' },
  { keys: 'a', does: 'replay all' },
  { keys: 'r', does: 're-read the scenario files' },
];

/** the scenario files as they are now (the YAML reader and its schema load on first use, not with the workbench) */
async function readScenarios(dir: string): Promise<ScenarioFile[]> {
  const { readScenario, scenarioFiles } = await import('../../scenarios/load.js');
  return scenarioFiles(dir).map(readScenario);
}

interface Run {
  steps: StepResult[];
  result?: ScenarioResult;
}

export function ScenariosPane({ width, height, focused, project, onTx }: PaneProps & { project: Project; onTx?: (r: TxRecord) => void }) {
  const wb = useWorkbench();
  // read when the pane is first shown (and each time after), not while the workbench starts
  const [files, setFiles] = useState<ScenarioFile[] | undefined>(undefined);
  const reread = (): void => {
    readScenarios(project.dir).then(setFiles, (e: Error) => wb.notify(`reading the scenarios failed: ${e.message}`, 'error'));
  };
  const [selected, setSelected] = useState(0);
  const [runs, setRuns] = useState<Record<string, Run>>({});
  const busy = useRef(false);
  const templates = useRef<Templates | undefined>(undefined);
  useEffect(() => () => templates.current?.dispose(), []);
  // coming back to the pane finds files recorded or edited meanwhile
  useEffect(() => {
    if (focused) reread();
  }, [focused, project.dir]);

  const replay = async (list: ScenarioFile[]): Promise<void> => {
    if (busy.current) return wb.notify('a replay is running', 'warn');
    busy.current = true;
    const [{ Templates }, { runScenario }] = await Promise.all([
      import('../../scenarios/environment.js'),
      import('../../scenarios/runner.js'),
    ]);
    templates.current ??= new Templates();
    let passed = 0;
    for (const f of list) {
      if (!f.scenario) {
        setRuns((r) => ({
          ...r,
          [f.id]: { steps: [], result: { id: f.id, file: f.file, name: f.id, ok: false, ms: 0, steps: [], error: f.error } },
        }));
        continue;
      }
      wb.notify(`replaying ${f.scenario.name} …`);
      setRuns((r) => ({ ...r, [f.id]: { steps: [] } }));
      const result = await runScenario(project.dir, f.file, f.id, f.scenario, templates.current, (step) => {
        setRuns((r) => ({ ...r, [f.id]: { steps: [...(r[f.id]?.steps ?? []), step] } }));
        for (const o of step.outcomes) onTx?.(txRecord(o, 'api', 'scenario'));
      });
      setRuns((r) => ({ ...r, [f.id]: { steps: result.steps, result } }));
      if (result.ok) passed++;
    }
    busy.current = false;
    wb.notify(`${passed} passed, ${list.length - passed} failed`, passed === list.length ? 'ok' : 'error');
  };

  const list = files ?? [];
  const current = list[Math.min(selected, list.length - 1)];
  const page = Math.max(3, Math.floor(height / 2) - 1);
  useKeys(
    (input, key) => {
      const to = (i: number) => setSelected(Math.max(0, Math.min(list.length - 1, i)));
      if (key.upArrow || input === 'k') setSelected((i) => Math.max(0, i - 1));
      if (key.downArrow || input === 'j') setSelected((i) => Math.min(list.length - 1, i + 1));
      if (key.pageUp) setSelected((i) => Math.max(0, i - page));
      if (key.pageDown) setSelected((i) => Math.min(list.length - 1, i + page));
      if (input === 'g') to(0);
      if (input === 'G') to(list.length - 1);
      if (key.return && current) void replay([current]);
      if (input === 'a') void replay(list);
      if (input === 'r') reread();
    },
    { isActive: focused },
  );

  if (!files) return <Text dimColor>reading the scenarios …</Text>;
  if (files.length === 0) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text>
          No scenarios yet: write YAML files in {project.name}/scenarios/ (format: schemas/scenario.schema.json), then replay them here or
          run alsx test.
        </Text>
      </Box>
    );
  }
  const listHeight = Math.min(files.length, page);
  const top = Math.max(0, Math.min(selected - listHeight + 1, files.length - listHeight));
  const run = current ? runs[current.id] : undefined;
  const mark = (id: string): string => {
    const r = runs[id];
    if (!r) return ' ';
    if (!r.result) return '◌';
    return r.result.ok ? '✔' : '✘';
  };
  const detail: { text: string; bad?: boolean }[] = [];
  if (current?.error) detail.push({ text: current.error, bad: true });
  if (current?.scenario?.description) detail.push({ text: current.scenario.description });
  for (const s of run?.steps ?? []) {
    detail.push({
      text: `${s.ok ? '✔' : '✘'} ${s.index + 1}. ${s.name}  ${s.summary}  (${Math.round(s.ms)} ms${s.outcomes.length ? `, tx ${s.outcomes.map((o) => o.tx).join(' ')}` : ''})`,
      bad: !s.ok,
    });
    for (const f of s.failures) detail.push({ text: `     ${f}`, bad: true });
  }
  if (run?.result?.error) detail.push({ text: run.result.error, bad: true });
  if (run?.result)
    detail.push({ text: run.result.ok ? `passed in ${(run.result.ms / 1000).toFixed(1)} s` : 'failed', bad: !run.result.ok });
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">
        Scenarios of {project.name} · {files.length}
        {files.length > listHeight ? (
          <Text dimColor>
            {' '}
            · {top + 1}–{top + listHeight} shown{top + listHeight < files.length ? `, ${files.length - top - listHeight} more below` : ''}
            {top > 0 ? `, ${top} above` : ''}
          </Text>
        ) : null}
      </Text>
      {files.slice(top, top + listHeight).map((f, i) => (
        <Text key={f.id} wrap="truncate" inverse={wb.color && focused && top + i === selected}>
          {top + i === selected ? '›' : ' '} {mark(f.id)} {f.scenario?.name ?? f.id} <Text dimColor>{f.id}</Text>
        </Text>
      ))}
      <Text dimColor>{'─'.repeat(Math.max(0, width))}</Text>
      {detail.slice(0, Math.max(0, height - listHeight - 2)).map((d, i) => (
        <Text key={i} wrap="truncate" color={wb.color && d.bad ? 'red' : undefined}>
          {d.text}
        </Text>
      ))}
    </Box>
  );
}
