/**
 * A row's key as people read it: the value, or a composite key's parts joined with ',' — the form
 * of the API's ids and the Tables pane (10110,S18_1589), so a key reads the same everywhere.
 */
/** between a composite key's parts, wherever a key is shown */
export const KEY_SEPARATOR = ',';

export function formatKey(key: unknown): string {
  if (key !== null && typeof key === 'object')
    return Object.values(key as object)
      .map(String)
      .join(KEY_SEPARATOR);
  return String(key);
}
