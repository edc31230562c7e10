import { useRef, useState } from 'react';

/**
 * useState whose newest value is readable at once through `.current`. Ink calls a key handler once
 * per key, several times between two renders when keys come fast (a paste, a held key): each call
 * must see what the one before it changed, not the value of the last render.
 */
export function useLatestState<T>(initial: T | (() => T)): [T, (next: T | ((previous: T) => T)) => void, { readonly current: T }] {
  const [value, setValue] = useState(initial);
  const ref = useRef(value);
  const set = useRef((next: T | ((previous: T) => T)) => {
    ref.current = typeof next === 'function' ? (next as (previous: T) => T)(ref.current) : next;
    setValue(ref.current);
  }).current;
  return [value, set, ref];
}
