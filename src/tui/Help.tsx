/** `?`: every key binding, by where it applies, scrolling when it does not fit. */
import { Box, Text } from 'ink';
import type { PaneSpec } from './app.js';
import { HELP } from './command/run.js';
import type { KeyHint } from './pane.js';
import { shownLines } from './scroll-keys.js';

/** every binding, by where it applies: the app's, each pane's, the command line's */
function helpLines(panes: PaneSpec[], global: KeyHint[]): [string, string, boolean][] {
  const lines: [string, string, boolean][] = [
    ['Everywhere', '', true],
    ...global.map((h): [string, string, boolean] => [h.keys, h.does, false]),
    ['Ctrl-C', 'quit', false],
  ];
  for (const p of panes) {
    if (p.hints.length === 0) continue;
    lines.push(['', '', false], [p.title, '', true], ...p.hints.map((h): [string, string, boolean] => [h.keys, h.does, false]));
  }
  lines.push(['', '', false], ['Command line', '', true], ...HELP.map(([c, d]): [string, string, boolean] => [c, d, false]));
  return lines;
}

/**
 * Two columns when the terminal is wide enough, else one; what does not fit scrolls from `top`
 * (`size` is told how many lines there are and how many show, for the scrolling keys).
 */
export function Help(p: {
  width: number;
  height: number;
  panes: PaneSpec[];
  /** the app's own keys */
  global: KeyHint[];
  top: number;
  size: { visible: number; count: number };
}) {
  const lines = helpLines(p.panes, p.global);
  const perColumn = Math.max(1, p.height - 1);
  const columns = p.width >= 120 ? 2 : 1;
  const visible = perColumn * columns;
  p.size.visible = visible;
  p.size.count = lines.length;
  const top = Math.min(p.top, Math.max(0, lines.length - visible));
  const shown = lines.slice(top, top + visible);
  const cells = Array.from({ length: columns }, (_, i) => shown.slice(i * perColumn, (i + 1) * perColumn));
  const where = shownLines(top, visible, lines.length);
  return (
    <Box flexDirection="row" width={p.width} height={p.height}>
      {cells.map((col, ci) => (
        <Box key={ci} flexDirection="column" width={Math.floor(p.width / columns)}>
          {ci === 0 && (
            <Text bold wrap="truncate">
              Help — esc to close{where ? ` · ${where} · j k PgUp PgDn g G scroll` : ''}
            </Text>
          )}
          {col.map(([k, d, title], i) => (
            <Text key={i} bold={title} wrap="truncate">
              {title ? k : `  ${k.padEnd(16)} ${d}`}
            </Text>
          ))}
        </Box>
      ))}
    </Box>
  );
}
