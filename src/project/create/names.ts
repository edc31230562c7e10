/**
 * TypeScript names for database names: "Order Details" is exported as OrderDetails, a column
 * "Unit Price" stays a quoted key ('Unit Price'), so rules read `d['Unit Price']`.
 */

/** words that cannot be an exported const (keywords, strict-mode and module reserved words) */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await arguments eval undefined NaN Infinity'
  ).split(' '),
);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A valid, unused identifier for a database name: invalid characters dropped with the next letter
 * capitalised ("order details" → orderDetails), a leading digit prefixed, a reserved word or a
 * name already `taken` suffixed. The result is added to `taken`.
 */
export function identifierFor(name: string, taken: Set<string>): string {
  let id = name
    .split(/[^\w$]+/)
    .filter(Boolean)
    .map((part, i) => (i === 0 ? part : part[0]!.toUpperCase() + part.slice(1)))
    .join('');
  if (!id) id = 'table';
  if (/^\d/.test(id)) id = `_${id}`;
  if (RESERVED.has(id)) id = `${id}_`;
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}${n}`;
  taken.add(unique);
  return unique;
}

/** an object key for a column: bare when it is an identifier, quoted otherwise */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

/** `row.Name`, or `row['Unit Price']` */
export function member(object: string, name: string): string {
  return IDENTIFIER.test(name) ? `${object}.${name}` : `${object}[${quote(name)}]`;
}

/** a single-quoted TypeScript string literal */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
