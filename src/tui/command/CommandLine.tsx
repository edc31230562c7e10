/** The `:` command line: a line editor with history (↑↓) and completion (Tab). */
import { Box, Text } from 'ink';
import { useKeys } from '../use-keys.js';
import { useRef, useState } from 'react';
import { useWorkbench } from '../pane.js';
import { edit, viewport, type LineState } from './line-editor.js';
import { complete } from './parse.js';

export interface CommandLineProps {
  width: number;
  history: string[];
  names: () => { tables: string[]; topics: string[] };
  onSubmit(line: string): void;
  onCancel(): void;
}

export function CommandLine({ width, history, names, onSubmit, onCancel }: CommandLineProps) {
  const wb = useWorkbench();
  // keys can arrive faster than renders (a paste): the line lives in a ref, state only redraws
  const current = useRef<LineState>({ text: ':', cursor: 1 });
  const [line, setLineState] = useState(current.current);
  const setLine = (l: LineState) => setLineState((current.current = l));
  const back = useRef(-1); // position in history while browsing it
  const [candidates, setCandidates] = useState<string[]>([]);
  useKeys((input, key) => {
    if (key.escape) return onCancel();
    const line = current.current;
    if (key.return) return onSubmit(line.text);
    if (key.upArrow || key.downArrow) {
      const next = key.upArrow ? Math.min(history.length - 1, back.current + 1) : Math.max(-1, back.current - 1);
      back.current = next;
      const text = next === -1 ? ':' : history[history.length - 1 - next]!;
      return setLine({ text, cursor: text.length });
    }
    if (key.tab) {
      const c = complete(line.text.slice(0, line.cursor), names());
      setCandidates(c.candidates.slice(0, 12));
      return setLine({ text: c.line + line.text.slice(line.cursor), cursor: c.line.length });
    }
    const next = edit(line, { ...key, input });
    if (next) {
      setCandidates([]);
      if (next.text === '') return onCancel(); // backspace over the colon leaves the command line
      setLine(next);
    }
  });
  const view = viewport(line, Math.max(10, width - 2));
  return (
    <Box flexDirection="column" width={width}>
      {candidates.length > 0 && (
        <Text dimColor wrap="truncate">
          {candidates.join('  ')}
        </Text>
      )}
      <Text wrap="truncate">
        {view.before}
        <Text inverse>{view.at}</Text>
        {view.after}
        {!wb.color && ' ◂'}
      </Text>
    </Box>
  );
}
