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

type Key = Parameters<Handler>[1];

/**
 * The keys of one read, each with its own flags, as Ink gives a key read alone ('G\r' → G, then
 * return). Ink passes a run of text without escape sequences as one input; escape sequences (arrows,
 * PgUp …) it already splits off, so those reads are passed on as they are.
 */
export function keysOf(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || key.meta || !NO_ESCAPE.test(input)) return [[input, key]];
  const plain: Key = { ...key, return: false, tab: false, backspace: false, delete: false, ctrl: false, shift: false };
  return [...input].map((ch): [string, Key] => {
    if (ch === '\r') return ['', { ...plain, return: true }];
    if (ch === '\t') return ['', { ...plain, tab: true }];
    if (ch === '\b') return ['', { ...plain, backspace: true }];
    if (ch === '\x7f') return ['', { ...plain, delete: true }];
    // ctrl+letter, as Ink names it (ctrl-s → "s" with ctrl)
    if (ch >= '\x01' && ch <= '\x1a' && ch !== '\n') return [String.fromCharCode(ch.charCodeAt(0) + 96), { ...plain, ctrl: true }];
    return [ch, { ...plain, shift: /^[A-Z]$/.test(ch) }];
  });
}

export function useKeys(handler: Handler, options: { isActive: boolean } = { isActive: true }): void {
  const latest = useRef(handler);
  latest.current = handler;
  const active = useRef(options.isActive);
  active.current = options.isActive;
  useInput((input, key) => {
    // keys typed ahead, held, or sent together arrive in one read ('jjjj', 'G\r'): each is a key of its
    // own, and the latest render decides (a key may open a form that the next key types into)
    for (const [one, flags] of keysOf(input, key)) if (active.current) latest.current(one, flags);
  });
  const [, subscribed] = useState(false);
  useLayoutEffect(() => subscribed(true), []);
}

/**
 * Once, at the root of the app: every read is handed to the components a key at a time. Each
 * component's useInput gets Ink's whole read otherwise, so in 'a2' (a key that opens a form, then
 * the first key for it) the form, not mounted when the read arrived, would never see the 2. Split
 * here, each key is a render of its own, and the form is subscribed before the next key
 * (see useKeys).
 */
const ESC = '\x1b';
/**
 * Esc and the next key in one read ('\x1b' 'q'), which a terminal cannot tell from Alt+q: the
 * workbench binds no Alt keys, so it is Esc, then q — Esc closing a form, q quitting — as typed.
 */
const ESC_THEN_KEY = /^\x1b[^\x1b[O]$/u;
/** Esc pressed twice or more in one read ('\x1b\x1b', which Ink takes for Alt+Esc): each an Esc */
const ESCAPES = /^\x1b{2,}$/u;

export function useOneKeyPerInput(): void {
  const { internal_eventEmitter: events } = useStdin();
  useLayoutEffect(() => {
    const emit = events.emit;
    /** keys not handed on yet: one per turn of the event loop, in arrival order (later reads queue behind) */
    const queue: string[] = [];
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
    events.emit = function (this: typeof events, name: string | symbol, ...args: unknown[]): boolean {
      const input = args[0];
      if (name !== 'input' || typeof input !== 'string') return emit.call(this, name, ...args);
      const keys =
        input.length > 1 && NO_ESCAPE.test(input)
          ? [...input]
          : ESC_THEN_KEY.test(input)
            ? [ESC, input.slice(1)]
            : ESCAPES.test(input)
              ? [...input]
              : [input];
      if (!timer && keys.length === 1) return emit.call(this, name, input);
      queue.push(...keys);
      if (!timer) next();
      return true;
    };
    return () => {
      if (timer) clearImmediate(timer);
      events.emit = emit;
    };
  }, [events]);
}
