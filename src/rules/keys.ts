/** A row's key as people read it: the value, or a composite key's parts joined with '/'. */
export function formatKey(key: unknown): string {
  if (key !== null && typeof key === 'object')
    return Object.values(key as object)
      .map(String)
      .join('/');
  return String(key);
}
