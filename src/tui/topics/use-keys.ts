/**
 * useInput with the handler of the latest render. Ink re-subscribes a new handler only in an
 * effect, after the frame is already on screen: a key pressed in between would otherwise reach the
 * previous render's handler and act on what the screen no longer shows.
 */
import { useInput } from 'ink';
import { useRef } from 'react';

type Handler = Parameters<typeof useInput>[0];

export function useKeys(handler: Handler, options: { isActive: boolean }): void {
  const latest = useRef(handler);
  latest.current = handler;
  useInput((input, key) => latest.current(input, key), options);
}
