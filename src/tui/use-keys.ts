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
import { useInput } from 'ink';
import { useLayoutEffect, useRef, useState } from 'react';

type Handler = Parameters<typeof useInput>[0];

/** text with no control characters or escape sequences: safe to take a character at a time */
const PRINTABLE = /^[^\x00-\x1f\x7f]+$/u;

export function useKeys(handler: Handler, options: { isActive: boolean } = { isActive: true }): void {
  const latest = useRef(handler);
  latest.current = handler;
  const active = useRef(options.isActive);
  active.current = options.isActive;
  useInput((input, key) => {
    if (!active.current) return;
    // keys typed ahead, held, or sent together arrive in one read ('jjjj'): each is a key of its own
    if (input.length > 1 && !key.ctrl && !key.meta && PRINTABLE.test(input)) for (const ch of input) latest.current(ch, key);
    else latest.current(input, key);
  });
  const [, subscribed] = useState(false);
  useLayoutEffect(() => subscribed(true), []);
}
