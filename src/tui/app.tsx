/**
 * The workbench's frame: a header (project, user, pane tabs, runtimes), the focused pane, the `:`
 * command line with its last result, a status line and a key-hint bar; `?` shows every binding.
 * Panes are given as specs, so the frame knows nothing of tables, traces or topics.
 */
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { CommandLine } from './command/CommandLine.js';
import { Prompt } from './command/Prompt.js';
import { WorkbenchContext, type KeyHint, type Level, type PaneProps, type Workbench } from './pane.js';
import { statusMark, type RuntimeControl } from './runtimes/RuntimesPane.js';
import { useLatestState } from './tables/use-latest-state.js';
import { fitHints, HINT_SEPARATOR } from './hint-bar.js';
import { SCROLL_HINT, scrolled, shownLines } from './scroll-keys.js';
import { Help } from './Help.js';

export interface PaneSpec {
  id: string;
  title: string;
  hints: KeyHint[];
  render(props: PaneProps): ReactElement;
}

export interface AppProps {
  project: string;
  panes: PaneSpec[];
  runtime: RuntimeControl;
  /** who the API calls go as (shown in the header) */
  user: () => string | null;
  color: boolean;
  /** runs a `:` command; resolves to what to show */
  command(line: string, signal: AbortSignal): Promise<{ ok: boolean; summary: string; lines: string[] }>;
  completions: () => { tables: string[]; topics: string[] };
  onQuit(): void;
  /** receives the status-line notifier once mounted, for news from outside the panes (a runtime that cannot start) */
  bindNotify?(notify: (message: string, level?: Level) => void): void;
  /** recording a scenario: R starts, R again asks its name and writes it */
  recording?: { active(): boolean; steps(): number; start(): void; save(name: string): Promise<string>; discard(): void };
  /** the first status line */
  greeting?: string;
  /** for tests: the size when there is no terminal */
  size?: { columns: number; rows: number };
}

/** the hints of the app's own modes, shown instead of the pane's while they last */
const COMMAND_HINTS: KeyHint[] = [
  { keys: 'enter', does: 'run' },
  { keys: 'tab', does: 'complete' },
  { keys: '↑↓', does: 'history' },
  { keys: 'esc', does: 'cancel' },
];
const NAMING_HINTS: KeyHint[] = [
  { keys: 'enter', does: 'save the scenario' },
  { keys: 'esc', does: 'keep recording' },
];
const HELP_HINTS: KeyHint[] = [SCROLL_HINT, { keys: 'esc ?', does: 'close help' }];
const RESULT_HINTS: KeyHint[] = [SCROLL_HINT, { keys: 'esc', does: 'close the result' }];
const sameHints = (a: KeyHint[] | undefined, b: KeyHint[] | undefined): boolean =>
  a === b ||
  (a !== undefined && b !== undefined && a.length === b.length && a.every((h, i) => h.keys === b[i]!.keys && h.does === b[i]!.does));

/** always on the bar, however narrow */
const ALWAYS = `${HINT_SEPARATOR}? help${HINT_SEPARATOR}q quit`;

/**
 * A token for "the key being handled now": every handler of one key runs in one synchronous
 * dispatch, so they all get the same token, and a message set by an earlier key has another.
 */
let keyToken: object | undefined;
function currentKey(): object {
  if (!keyToken) {
    keyToken = {};
    queueMicrotask(() => (keyToken = undefined));
  }
  return keyToken;
}

export const GLOBAL_HINTS: KeyHint[] = [
  { keys: '1–5 tab', does: 'switch pane' },
  { keys: ':', does: 'command line (:help)' },
  { keys: 'R', does: 'record a scenario (R again: stop and name it)' },
  { keys: '?', does: 'help: every key' },
  { keys: 'q', does: 'quit (stops every runtime)' },
];

function useTerminalSize(fixed?: { columns: number; rows: number }): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return size;
}

export function App(props: AppProps) {
  const { panes, runtime } = props;
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize(props.size);
  const [active, setActive, activeRef] = useLatestState(0);
  // what decides where a key goes, read by the key handler through refs: a key that arrives
  // before the next render (or before its effects) must see what the previous key changed
  const [help, setHelp, helpRef] = useLatestState(false);
  const [commanding, setCommanding, commandingRef] = useLatestState(false);
  const [naming, setNaming, namingRef] = useLatestState(false);
  /** the panes holding text input (a filter, a form): only the one on screen pauses the app's keys */
  const capturing = useRef(new Set<number>());
  // a message applies until the next key (a pane switch, the next action): `key` says which key set it
  const [status, setStatus, statusRef] = useLatestState<{ text: string; level: Level; key?: object }>({
    text: props.greeting ?? 'ready — ? for help, : for commands',
    level: 'info',
  });
  const [output, setOutput, outputRef] = useLatestState<{ ok: boolean; summary: string; lines: string[] } | undefined>(undefined);
  /** the first line shown of the result box and of the help (both scroll) */
  const [outputTop, setOutputTop, outputTopRef] = useLatestState(0);
  const [helpTop, setHelpTop, helpTopRef] = useLatestState(0);
  /** how many lines of the result box and of the help show now: how far the keys may scroll them */
  const outputVisible = useRef(0);
  const helpSize = useRef({ visible: 0, count: 0 });
  /** each pane's hints for the mode it is in (a form, step mode), when it has said them */
  const [modeHints, setModeHints] = useState<(KeyHint[] | undefined)[]>([]);
  const history = useRef<string[]>([]);
  /** the command running now: esc aborts it (a :sql that runs long) */
  const running = useRef<AbortController | undefined>(undefined);
  const [, redraw] = useState(0);

  useEffect(() => {
    // biome-ignore lint/correctness/noUnusedVariables: read by ??= (the rule misses it)
    let timer: NodeJS.Timeout | undefined;
    return runtime.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        redraw((n) => n + 1);
      }, 200);
    });
  }, [runtime]);

  const notify = useCallback((text: string, level: Level = 'info') => setStatus({ text, level, key: currentKey() }), []);
  useEffect(() => props.bindNotify?.(notify), [notify]);
  const wb: Workbench = useMemo(() => ({ setCapturing: () => {}, setHints: () => {}, notify, color: props.color }), [notify, props.color]);
  // each pane says for itself whether it captures: a hidden pane's form (opened by a key that arrived
  // just before the switch) can never take the keys of the one on screen
  const paneWorkbenches: Workbench[] = useMemo(
    () =>
      panes.map((_, i) => ({
        ...wb,
        setCapturing: (on: boolean) => void (on ? capturing.current.add(i) : capturing.current.delete(i)),
        setHints: (hints: KeyHint[] | undefined) =>
          setModeHints((all) => {
            if (sameHints(all[i], hints)) return all;
            const next = [...all];
            next[i] = hints;
            return next;
          }),
      })),
    [wb, panes],
  );
  const quit = () => {
    exit();
    props.onQuit();
  };

  useInput((input, key) => {
    if (key.ctrl && input === 'c') return quit();
    // what an earlier key said no longer applies (what this key says, in any handler, stays)
    if (statusRef.current.text && statusRef.current.key !== currentKey()) setStatus({ text: '', level: 'info', key: currentKey() });
    if (helpRef.current) {
      if (key.escape || input === '?' || input === 'q') return setHelp(false);
      const top = scrolled(input, key, helpTopRef.current, helpSize.current.visible, helpSize.current.count);
      if (top !== undefined) setHelpTop(top);
      return;
    }
    if (commandingRef.current || capturing.current.has(activeRef.current) || namingRef.current) return;
    // a result on screen holds the moving keys: they scroll it
    if (outputRef.current) {
      const top = scrolled(input, key, outputTopRef.current, outputVisible.current, outputRef.current.lines.length);
      if (top !== undefined) return setOutputTop(top);
    }
    if (input === 'q') return quit();
    if (input === 'R' && props.recording) {
      if (!props.recording.active()) {
        props.recording.start();
        return notify(
          'recording from the rows as they are now (kept as its start): your writes, : commands and produced messages become steps — R to stop and name it',
          'warn',
        );
      }
      return setNaming(true);
    }
    if (input === '?') {
      setHelpTop(0);
      return setHelp(true);
    }
    if (input === ':') {
      setOutput(undefined);
      return setCommanding(true);
    }
    if (key.escape && running.current) return running.current.abort();
    if (key.escape && outputRef.current) return setOutput(undefined);
    // the result belonged to the pane it was asked from
    const switchTo = (i: number): void => {
      setOutput(undefined);
      setActive(i);
    };
    if (/^[1-9]$/.test(input) && Number(input) <= panes.length) return switchTo(Number(input) - 1);
    if (key.tab) switchTo((activeRef.current + (key.shift ? panes.length - 1 : 1)) % panes.length);
  });

  const submit = (line: string) => {
    setCommanding(false);
    if (!line.replace(/^:/, '').trim()) return;
    history.current = [...history.current.filter((h) => h !== line), line].slice(-200);
    notify(`running ${line.slice(0, 60)} … (esc cancels)`);
    const controller = new AbortController();
    running.current = controller;
    const done = () => {
      if (running.current === controller) running.current = undefined;
    };
    props.command(line, controller.signal).then(
      // said once: a one-line answer (or an error) in the status line, a longer one in the result box
      (r) => {
        done();
        setOutput(r.lines.length ? r : undefined);
        setOutputTop(0);
        // "running …" is over either way
        notify(r.lines.length ? '' : r.summary, r.ok ? 'ok' : 'error');
      },
      (e: Error) => {
        done();
        setOutput(undefined);
        notify(e.message, 'error');
      },
    );
  };

  const pane = panes[active]!;
  // the help takes the result's room too: it is hidden (not closed) while the help is open
  const showOutput = output !== undefined && !help;
  const outputLines = showOutput ? Math.min(output.lines.length, Math.max(3, Math.floor(rows / 3))) : 0;
  outputVisible.current = outputLines;
  const shownOutputTop = showOutput ? Math.min(outputTop, Math.max(0, output.lines.length - outputLines)) : 0;
  const bodyHeight = Math.max(3, rows - 3 - (commanding || naming ? 1 : 0) - (showOutput ? outputLines + 1 : 0));
  const hints = help
    ? HELP_HINTS
    : commanding
      ? COMMAND_HINTS
      : naming
        ? NAMING_HINTS
        : showOutput
          ? RESULT_HINTS
          : [...(modeHints[active] ?? pane.hints), ...GLOBAL_HINTS.slice(0, 2)];
  const color = (c: string) => (props.color ? c : undefined);
  const levelColor = { info: undefined, ok: 'green', warn: 'yellow', error: 'red' }[status.level];
  const children = runtime.children();
  const user = props.user();

  return (
    <WorkbenchContext.Provider value={wb}>
      <Box flexDirection="column" width={columns} height={rows}>
        <Header
          columns={columns}
          project={`${props.project}${props.recording?.active() ? ` ● REC ${props.recording.steps()}` : ''}`}
          user={user}
          titles={panes.map((p) => p.title)}
          active={active}
          color={props.color}
          runtimes={children.map((c) => [c.name, statusMark(c.status)] as const)}
        />
        <Box height={bodyHeight} width={columns}>
          {help && <Help width={columns} height={bodyHeight} panes={panes} global={GLOBAL_HINTS} top={helpTop} size={helpSize.current} />}
          {/* every pane stays mounted (hidden), so switching back finds it where it was left */}
          {panes.map((p, i) => (
            <Box key={p.id} display={!help && i === active ? 'flex' : 'none'} width={columns} height={bodyHeight}>
              <WorkbenchContext.Provider value={paneWorkbenches[i]!}>
                {p.render({ width: columns, height: bodyHeight, focused: i === active && !commanding && !naming && !help && !output })}
              </WorkbenchContext.Provider>
            </Box>
          ))}
        </Box>
        {showOutput && (
          <Box flexDirection="column" width={columns}>
            <Text wrap="truncate">
              <Text color={color(output.ok ? 'green' : 'red')}>{output.summary}</Text>
              <Text dimColor>
                {[shownLines(shownOutputTop, outputLines, output.lines.length), 'esc closes']
                  .filter(Boolean)
                  .join(' · ')
                  .replace(/^/, '  ')}
              </Text>
            </Text>
            {output.lines.slice(shownOutputTop, shownOutputTop + outputLines).map((l, i) => (
              <Text key={i} wrap="truncate">
                {l}
              </Text>
            ))}
          </Box>
        )}
        {naming && (
          <Prompt
            label={`Name the scenario (${props.recording?.steps() ?? 0} steps; esc: keep recording):`}
            width={columns}
            onCancel={() => setNaming(false)}
            onSubmit={(name) => {
              setNaming(false);
              props.recording!.save(name).then(
                (file) => notify(`wrote ${file} — replay it in Scenarios (5)`, 'ok'),
                (e: Error) => notify(`could not write the scenario: ${e.message}`, 'error'),
              );
            }}
          />
        )}
        {commanding && (
          <CommandLine
            width={columns}
            history={history.current}
            names={props.completions}
            onSubmit={submit}
            onCancel={() => setCommanding(false)}
          />
        )}
        <Text color={color(levelColor ?? '')} wrap="truncate">
          {status.text || ' ' /* an empty Text takes no line */}
        </Text>
        {/* whole hints, as many as fit; help and quit always on screen, however narrow */}
        <Text dimColor wrap="truncate">
          {`${fitHints(hints, columns - ALWAYS.length)}${ALWAYS}`.replace(/^ · /, '')}
        </Text>
      </Box>
    </WorkbenchContext.Provider>
  );
}

/**
 * One line, whatever the width: full tab titles and runtime names when they fit, else runtime
 * marks only, else tabs shortened to three letters (the active one stays whole).
 */
function Header(p: {
  columns: number;
  project: string;
  user: string | null;
  titles: string[];
  active: number;
  color: boolean;
  runtimes: (readonly [string, string])[];
}) {
  const lead = `alsx · ${p.project}${p.user ? ` · ${p.user}` : ''} `;
  const tab = (t: string, i: number, short: boolean) => {
    const title = short && i !== p.active ? t.slice(0, 3) : t;
    return i === p.active && !p.color ? `[${i + 1} ${title}]` : ` ${i + 1} ${title} `;
  };
  const full = p.runtimes.map(([n, m]) => `${n} ${m}`).join(' ');
  const marks = p.runtimes.map(([n, m]) => `${n[0]}${m}`).join(' ');
  const variants = [
    [false, full],
    [false, marks],
    [true, marks],
  ] as const;
  const fits =
    variants.find(([short, rt]) => lead.length + p.titles.map((t, i) => tab(t, i, short)).join('').length + 1 + rt.length <= p.columns) ??
    variants[2];
  const [short, rt] = fits;
  return (
    <Box width={p.columns}>
      <Box flexShrink={1}>
        <Text bold wrap="truncate">
          {lead}
        </Text>
      </Box>
      {p.titles.map((t, i) => (
        <Box key={t} flexShrink={0}>
          <Text inverse={i === p.active} color={i === p.active || !p.color ? undefined : 'cyan'}>
            {tab(t, i, short)}
          </Text>
        </Box>
      ))}
      <Box flexGrow={1} />
      <Box flexShrink={0} marginLeft={1}>
        <Text>{rt}</Text>
      </Box>
    </Box>
  );
}
