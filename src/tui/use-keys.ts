/**
 * useInput with the handler and the isActive of the latest render. Ink subscribes a handler, and
 * applies isActive, only in an effect, after the frame is already on screen: a key pressed in
 * between (a quick typist, a busy machine) would reach the previous render's handler, or the pane
 * that had the focus before, and miss the one the screen shows focused. So the handler stays
 * subscribed while the component is mounted, and what the latest render said decides; and a
 * component that appears (a form, a prompt) is subscribed before the key after its first frame is
 * read: an update from a layout effect makes React run the pending effects at once, in the same
 * turn of the event loop as that frame.
 */
import { useInput, useStdin } from 'ink';
import { useLayoutEffect, useRef, useState } from 'react';

type Handler = Parameters<typeof useInput>[0];

/** a read with no escape sequence in it: safe to take a character at a time */
const NO_ESCAPE = /^[^\x1b]+$/u;
const ESC = '\x1b';
/**
 * Esc and the next key in one read ('\x1b' 'q'), which a terminal cannot tell from Alt+q: the
 * workbench binds no Alt keys, so it is Esc, then q — Esc closing a form, q quitting — as typed.
 */
const ESC_THEN_KEY = /^\x1b[^\x1b[O]$/u;
/** Esc pressed twice or more in one read ('\x1b\x1b', which Ink takes for Alt+Esc): each an Esc */
const ESCAPES = /^\x1b{2,}$/u;

/** the keys of one of Ink's inputs: Ink splits escape sequences off, but passes a run of text ('jjjj', 'G\r') whole */
function keysOfRead(input: string): string[] {
  if (input.length <= 1) return [input];
  if (NO_ESCAPE.test(input) || ESCAPES.test(input)) return [...input];
  if (ESC_THEN_KEY.test(input)) return [ESC, input.slice(1)];
  return [input];
}

export function useKeys(handler: Handler, options: { isActive: boolean } = { isActive: true }): void {
  const latest = useRef(handler);
  latest.current = handler;
  const active = useRef(options.isActive);
  active.current = options.isActive;
  useOneKeyPerInput();
  useInput((input, key) => {
    if (active.current) latest.current(input, key);
  });
  const [, subscribed] = useState(false);
  useLayoutEffect(() => subscribed(true), []);
}

type Emitter = ReturnType<typeof useStdin>['internal_eventEmitter'];
/** the emitters whose reads are split, and how many mounted components asked */
const splitting = new Map<Emitter, { users: number; restore: () => void }>();

/**
 * Every read is handed to the components a key at a time, Ink's whole read reaching each
 * component's useInput otherwise: in 'a2' (a key that opens a form, then the first key for it) the
 * form, not mounted when the read arrived, would never see the 2, and 'G\r' was neither G nor
 * Enter. Split at Ink's input events, once for the app, each key is a render of its own, and a
 * form is subscribed before the next key (see above).
 */
function useOneKeyPerInput(): void {
  const { internal_eventEmitter: events } = useStdin();
  useLayoutEffect(() => {
    const split = splitting.get(events) ?? { users: 0, restore: splitReads(events) };
    split.users++;
    splitting.set(events, split);
    return () => {
      if (--split.users > 0) return;
      split.restore();
      splitting.delete(events);
    };
  }, [events]);
}

/** the keys of every app not handed on yet */
const queues = new Set<string[]>();

/** keys read but not yet handed to the components (a test waits for none before it looks) */
export function keysPending(): number {
  let n = 0;
  for (const q of queues) n += q.length;
  return n;
}

/** makes `events` emit each key of an input on its own; returns how to undo it */
function splitReads(events: Emitter): () => void {
  const emit = events.emit;
  /** keys not handed on yet: one per turn of the event loop, in arrival order (later reads queue behind) */
  const queue: string[] = [];
  queues.add(queue);
  let timer: NodeJS.Immediate | undefined;
  const next = (): void => {
    timer = undefined;
    const key = queue.shift();
    if (key === undefined) return;
    emit.call(events, 'input', key);
    // React draws what the key did from a task of its scheduler (setImmediate), queued during this turn
    // or the next: the next key waits two turns, for that frame and its effects (a form opened, subscribed)
    if (queue.length) timer = setImmediate(() => (timer = setImmediate(next)));
  };
  events.emit = function (this: Emitter, name: string | symbol, ...args: unknown[]): boolean {
    const input = args[0];
    if (name !== 'input' || typeof input !== 'string') return emit.call(this, name, ...args);
    const keys = keysOfRead(input);
    if (!timer && keys.length === 1) return emit.call(this, name, input);
    queue.push(...keys);
    if (!timer) next();
    return true;
  };
  return () => {
    if (timer) clearImmediate(timer);
    queues.delete(queue);
    events.emit = emit;
  };
}
