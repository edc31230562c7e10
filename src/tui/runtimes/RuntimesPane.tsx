/** The Runtimes pane: each child process's state, port, pid and log, with restart. */
import { Box, Text } from 'ink';
import { useKeys } from '../use-keys.js';
import { useEffect, useState } from 'react';
import type { ChildState } from '../../runtime/supervisor.js';
import type { KeyHint, PaneProps } from '../pane.js';
import { useWorkbench } from '../pane.js';

export interface RuntimeControl {
  children(): ChildState[];
  restart(name: ChildState['name']): Promise<void>;
  /** called on every state change and log line */
  subscribe(listener: () => void): () => void;
  kafka: string;
}

export const runtimesHints: KeyHint[] = [
  { keys: '↑↓', does: 'select a runtime' },
  { keys: 'r', does: 'restart the selected runtime' },
];

export const statusMark = (s: ChildState['status']): string => ({ up: '●', shared: '●', starting: '◌', down: '✘', stopped: '○' })[s];
const statusColor = (s: ChildState['status']): string =>
  ({ up: 'green', shared: 'green', starting: 'yellow', down: 'red', stopped: 'gray' })[s];

export function RuntimesPane({ width, height, focused, runtime }: PaneProps & { runtime: RuntimeControl }) {
  const wb = useWorkbench();
  const [, tick] = useState(0);
  const [selected, setSelected] = useState(0);
  useEffect(() => {
    // biome-ignore lint/correctness/noUnusedVariables: read by ??= (the rule misses it)
    let timer: NodeJS.Timeout | undefined;
    // log lines can arrive fast: redraw at most ten times a second
    return runtime.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        tick((n) => n + 1);
      }, 100);
    });
  }, [runtime]);
  const children = runtime.children();
  const current = children[Math.min(selected, children.length - 1)];
  useKeys(
    (input, key) => {
      if (key.upArrow || input === 'k') setSelected((i) => Math.max(0, i - 1));
      if (key.downArrow || input === 'j') setSelected((i) => Math.min(children.length - 1, i + 1));
      if (input === 'r' && current) {
        wb.notify(`restarting ${current.name} …`);
        runtime.restart(current.name).then(
          () => wb.notify(`${current.name} is up`, 'ok'),
          (e: Error) => wb.notify(`${current.name}: ${e.message}`, 'error'),
        );
      }
    },
    { isActive: focused },
  );
  const logLines = Math.max(1, height - children.length - 4);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text dimColor>Kafka: {runtime.kafka}</Text>
      {children.map((c, i) => (
        <Text key={c.name} inverse={wb.color && i === selected && focused} wrap="truncate">
          {i === selected ? '›' : ' '} <Text color={wb.color ? statusColor(c.status) : undefined}>{statusMark(c.status)}</Text>{' '}
          {c.name.padEnd(8)} {c.status.padEnd(8)} pid {String(c.pid ?? '-').padEnd(7)} {c.port ? `port ${c.port}` : ''}
          {c.restarts ? `  restarts ${c.restarts}` : ''}
          {c.exit && c.status === 'down' ? `  exited ${c.exit.signal ?? `code ${c.exit.code}`}` : ''}
        </Text>
      ))}
      <Text> </Text>
      <Text bold>{current ? `${current.name} log` : ''}</Text>
      {(current?.log.slice(-logLines) ?? []).map((line, i) => (
        <Text key={i} wrap="truncate" dimColor={current?.status !== 'down'}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
