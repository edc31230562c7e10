/**
 * The Topics pane: topics with partitions, messages, dead-letter topics and the lag of the groups
 * reading them, then the consumer groups (polled every 1.5 s); enter tails a topic live; p
 * produces a message from the project's sample for the topic, edited in place or in $EDITOR.
 *
 * The workbench mounts only the pane in front, so what should outlive a visit to another pane —
 * the selection, the running tail and its messages — is kept per source, not in component state.
 */
import { Box, useStdin, useStdout } from 'ink';
import { writeAroundFrames } from '../frame-writer.js';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { KeyHint, PaneProps } from '../pane.js';
import { useWorkbench } from '../pane.js';
import { useKeys } from '../use-keys.js';
import { editInExternalEditor } from './external-editor.js';
import { messageLines } from './format.js';
import { ProduceEditor, type Outgoing } from './ProduceEditor.js';
import type { Overview, TopicsSource } from './source.js';
import { TailSession } from './tail-session.js';
import { firstShown, tailRows, TailView } from './TailView.js';
import { TopicList } from './TopicList.js';

export const topicsHints: KeyHint[] = [
  { keys: '↑↓', does: 'select a topic / scroll the tail' },
  { keys: 'enter', does: 'tail the topic live' },
  { keys: 'b', does: 'tail from the beginning' },
  { keys: 'p', does: "produce (the project's sample)" },
  { keys: 'E', does: 'produce, edited in $EDITOR' },
  { keys: 'd', does: 'topic ⇄ its dead-letter topic' },
  { keys: 'h', does: 'show/hide internal topics and groups' },
  { keys: 'esc', does: 'back to the list' },
  { keys: 'ctrl-s', does: 'send (while producing)' },
  { keys: 'ctrl-o', does: 'the message in $EDITOR (while producing)' },
];

export interface TopicsPaneProps extends PaneProps {
  source: TopicsSource;
  /** the project's sample message per topic (integration/index.ts): produce's template */
  samples: Record<string, unknown>;
  /**
   * edits text in the user's editor while the workbench is paused; default: $EDITOR run
   * synchronously (which holds Ink still), leaving and re-entering the alternate screen
   */
  openEditor?: (text: string) => Promise<string>;
  /** how often the overview is read while the pane is focused (ms) */
  pollMs?: number;
}

/** the sample for `topic` as text to edit, else an empty object */
export function templateFor(topic: string, samples: Record<string, unknown>): string {
  if (!Object.hasOwn(samples, topic)) return '{}';
  const sample = samples[topic];
  return typeof sample === 'string' ? sample : JSON.stringify(sample, null, 2);
}

/** order_b2b ⇄ order_b2b.dlq */
export const deadLetterSibling = (topic: string): string => (topic.endsWith('.dlq') ? topic.slice(0, -4) : `${topic}.dlq`);

interface Memory {
  overview?: Overview;
  selected?: string;
  /** the tail on screen (esc stops it) */
  tail?: TailSession;
}
const memories = new WeakMap<TopicsSource, Memory>();
const memoryOf = (source: TopicsSource): Memory => {
  let m = memories.get(source);
  if (!m) memories.set(source, (m = {}));
  return m;
};

type Producing = { topic: string; initial: string; note?: string };

const sameFigures = (a: Overview | undefined, b: Overview): boolean =>
  a !== undefined && JSON.stringify({ ...a, at: 0 }) === JSON.stringify({ ...b, at: 0 });

export function TopicsPane({ width, height, focused, source, samples, openEditor, pollMs = 1500 }: TopicsPaneProps) {
  const wb = useWorkbench();
  const memory = memoryOf(source);
  const { stdin } = useStdin();
  const { stdout } = useStdout();
  const [overview, setOverview] = useState<Overview | undefined>(memory.overview);
  const [selected, setSelected] = useState<string | undefined>(memory.selected);
  const [tail, setTail] = useState<TailSession | undefined>(memory.tail);
  const [top, setTop] = useState<number | null>(null);
  const [producing, setProducing] = useState<Producing | undefined>();
  const [showInternal, setShowInternal] = useState(source.showInternal);
  const [, redraw] = useState(0);
  const pollNow = useRef<() => void>(() => {});

  Object.assign(memory, { overview, selected, tail });

  // the overview, read again and again; a slower pace while another pane has the keys
  useEffect(() => {
    let alive = true;
    let timer: NodeJS.Timeout | undefined;
    let latest = 0; // a poll asked for now (h, r, a send) supersedes the one under way: one loop, not two
    const poll = async (): Promise<void> => {
      const mine = ++latest;
      clearTimeout(timer);
      const o = await source.overview();
      if (!alive || mine !== latest) return;
      setOverview((old) => (sameFigures(old, o) ? old : o));
      timer = setTimeout(() => void poll(), focused ? pollMs : pollMs * 3);
    };
    pollNow.current = () => void poll();
    void poll();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [source, focused, pollMs]);

  // messages can arrive fast: redraw at most ten times a second
  useEffect(() => {
    if (!tail) return;
    let timer: NodeJS.Timeout | undefined;
    const off = tail.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        redraw((n) => n + 1);
      }, 100);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [tail]);

  const topics = overview?.topics ?? [];
  // the selection falls back to the first topic (without writing that back: a key may already be moving it)
  const current = topics.find((t) => t.name === selected)?.name ?? topics[0]?.name;

  const startTail = useCallback(
    (topic: string, fromBeginning: boolean): TailSession => {
      void memory.tail?.stop();
      const session = new TailSession(source, topic, fromBeginning);
      memory.tail = session;
      setTail(session);
      setTop(null);
      return session;
    },
    [source, memory],
  );

  const stopTail = (): void => {
    void tail?.stop();
    memory.tail = undefined;
    setTail(undefined);
  };

  const editExternally =
    openEditor ??
    ((text: string) => editInExternalEditor(text, { stdin, stdout: { isTTY: stdout.isTTY, write: (s) => writeAroundFrames(stdout, s) } }));

  const produceTo = (topic: string, inEditor: boolean): void => {
    const initial = templateFor(topic, samples);
    if (!inEditor) return setProducing({ topic, initial });
    editExternally(initial).then(
      (text) => setProducing({ topic, initial: text, note: 'edited in $EDITOR — ctrl-s sends it, esc cancels' }),
      (e: Error) => wb.notify(e.message, 'error'),
    );
  };

  const send = async (topic: string, m: Outgoing): Promise<void> => {
    const d = await source.produce(topic, m.key, m.value, m.headers);
    wb.notify(`sent to ${topic} [${d.partition}] @${d.offset}`, 'ok');
    setProducing(undefined);
    // show it arriving: the topic's tail (a new one starts with the recent messages, this one among them)
    if (tail?.topic !== topic) startTail(topic, false);
    setTop(null);
    pollNow.current();
  };

  const tailLines = tail ? tail.messages.flatMap((m) => messageLines(m, width)) : [];
  const rows = tailRows(height);

  useKeys(
    (input, key) => {
      if (tail) {
        const total = tailLines.length;
        // relative to the view as it is when the key is applied (keys may come faster than frames)
        const scroll = (by: (first: number) => number): void =>
          setTop((t) => {
            const line = by(firstShown(total, rows, t));
            return line >= total - rows ? null : Math.max(0, line);
          });
        if (key.escape || key.leftArrow) return stopTail();
        if (key.upArrow || input === 'k') return scroll((f) => f - 1);
        if (key.downArrow || input === 'j') return scroll((f) => f + 1);
        if (key.pageUp) return scroll((f) => f - rows);
        if (key.pageDown) return scroll((f) => f + rows);
        if (key.home || input === 'g') return setTop(0);
        if (key.end || input === 'G') return setTop(null);
        if (input === 'b') return void startTail(tail.topic, true);
        if (input === 'p' || input === 'E') return produceTo(tail.topic, input === 'E');
        return;
      }
      const move = (by: number): void =>
        setSelected((name) => {
          const at = Math.max(
            0,
            topics.findIndex((t) => t.name === name),
          );
          return topics[Math.max(0, Math.min(topics.length - 1, at + by))]?.name ?? name;
        });
      if (key.upArrow || input === 'k') return move(-1);
      if (key.downArrow || input === 'j') return move(1);
      if (key.pageUp) return move(-10);
      if (key.pageDown) return move(10);
      if (input === 'h') {
        source.showInternal = !source.showInternal;
        setShowInternal(source.showInternal);
        return pollNow.current();
      }
      if (!current) return;
      if (key.return || key.rightArrow) return void startTail(current, false);
      if (input === 'b') return void startTail(current, true);
      if (input === 'p' || input === 'E') return produceTo(current, input === 'E');
      if (input === 'd') {
        const sibling = deadLetterSibling(current);
        if (topics.some((t) => t.name === sibling)) setSelected(sibling);
        else wb.notify(`no topic ${sibling} (yet)`, 'info');
      }
    },
    { isActive: focused && !producing },
  );

  if (producing) {
    return (
      <ProduceEditor
        key={`${producing.topic}:${producing.initial}`}
        topic={producing.topic}
        initial={producing.initial}
        note={producing.note}
        width={width}
        height={height}
        focused={focused}
        send={(m) => send(producing.topic, m)}
        cancel={() => setProducing(undefined)}
        openEditor={editExternally}
      />
    );
  }
  if (tail) return <TailView tail={tail} lines={tailLines} top={top} width={width} height={height} color={wb.color} />;
  return (
    <Box width={width} height={height}>
      <TopicList
        overview={overview}
        brokers={source.brokers}
        selected={current}
        width={width}
        height={height}
        focused={focused}
        color={wb.color}
        showInternal={showInternal}
      />
    </Box>
  );
}
