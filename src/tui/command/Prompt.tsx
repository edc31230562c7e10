/** A one-line question on the command line's row (e.g. the name of a recorded scenario). */
import { Text } from 'ink';
import { useKeys } from '../use-keys.js';
import { useRef, useState } from 'react';
import { edit, viewport, type LineState } from './line-editor.js';

export function Prompt({
  label,
  width,
  onSubmit,
  onCancel,
}: {
  label: string;
  width: number;
  onSubmit(text: string): void;
  onCancel(): void;
}) {
  const current = useRef<LineState>({ text: '', cursor: 0 });
  const [line, setLine] = useState(current.current);
  useKeys((input, key) => {
    if (key.escape) return onCancel();
    if (key.return) return current.current.text.trim() ? onSubmit(current.current.text.trim()) : undefined;
    const next = edit(current.current, { ...key, input });
    if (next) setLine((current.current = next));
  });
  const view = viewport(line, Math.max(10, width - label.length - 2));
  return (
    <Text wrap="truncate">
      <Text bold>{label} </Text>
      {view.before}
      <Text inverse>{view.at}</Text>
      {view.after}
    </Text>
  );
}
