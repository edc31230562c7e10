/**
 * Derives what a rule function reads from its source, so a rule is evaluated only when something it
 * reads changed (LogicBank's pruning) and ordering follows dependencies, not declaration order.
 *
 *   d => d.Quantity * d.UnitPrice                        reads Quantity, UnitPrice
 *   (p, { old }) => p.UnitsInStock - (p.UnitsShipped - (old?.UnitsShipped ?? 0))
 *                                                        reads UnitsInStock, UnitsShipped; old UnitsShipped
 *   (d, { parent }) => parent(Order).ShippedDate        reads parent Order's ShippedDate
 *   (o, { user, old }) => user?.name ?? old?.UpdatedBy   reads the user (so: every time the row's rules run); old UpdatedBy
 */
import { parse, tokenizer, type Node } from 'acorn';

export interface Reads {
  /** columns of the row itself */
  own: Set<string>;
  /** columns of the row before the change (`old.X`) */
  old: Set<string>;
  /** parent columns, by the identifier passed to `parent(…)` (and the optional role) */
  parents: { table: string; role: string | undefined; column: string }[];
  /** reads the transaction's user (`user`, `ctx.user`): it may differ from one transaction to the next */
  user: boolean;
  /** the function's body as written, without the row prefix ("Quantity * UnitPrice"), for rule names */
  body: string;
}

export class AnalysisError extends Error {}

type AnyNode = Node & Record<string, any>;
/** any function: only its source text is read */
export type AnyFunction = (...args: never[]) => unknown;

export function analyze(fn: AnyFunction): Reads {
  const { node: fnNode, text } = parseFunction(fn);
  const reads: Reads = { own: new Set(), old: new Set(), parents: [], user: false, body: '' };
  const [rowParam, ctxParam] = fnNode.params as AnyNode[];
  const names = {
    row: undefined as string | undefined,
    old: undefined as string | undefined,
    parent: undefined as string | undefined,
    ctx: undefined as string | undefined,
  };

  if (rowParam) {
    if (rowParam.type === 'Identifier') names.row = rowParam.name;
    else if (rowParam.type === 'ObjectPattern') for (const p of rowParam.properties) destructured(p, reads.own);
    else throw new AnalysisError(`cannot follow the row parameter (${rowParam.type})`);
  }
  if (ctxParam) {
    if (ctxParam.type === 'Identifier') names.ctx = ctxParam.name;
    else if (ctxParam.type === 'ObjectPattern') {
      for (const p of ctxParam.properties) {
        const key = p.key?.name ?? p.key?.value;
        const value = p.value?.type === 'AssignmentPattern' ? p.value.left : p.value;
        if (key === 'old' && value?.type === 'Identifier') names.old = value.name;
        else if (key === 'old' && value?.type === 'ObjectPattern') for (const q of value.properties) destructured(q, reads.old);
        else if (key === 'parent' && value?.type === 'Identifier') names.parent = value.name;
        else if (key === 'user') reads.user = true;
      }
    }
  }

  walk(fnNode.body, [], (node, ancestors) => {
    if (node.type !== 'Identifier') return;
    const parentNode = ancestors[ancestors.length - 1];
    // the identifier as a property name (`x.row`, `{ row: 1 }`) is not a use of the variable
    if (parentNode?.type === 'MemberExpression' && parentNode.property === node && !parentNode.computed) return;
    if (parentNode?.type === 'Property' && parentNode.key === node && !parentNode.computed && !parentNode.shorthand) return;
    const name = node.name;
    if ((name === names.row || name === names.old) && isPresenceTest(node, parentNode)) return;
    if (name === names.row) reads.own.add(memberName(node, parentNode, 'the row'));
    else if (name === names.old) reads.old.add(memberName(node, parentNode, 'the old row'));
    else if (name === names.parent) parentRead(parentNode, ancestors[ancestors.length - 2], node);
    else if (names.ctx && name === names.ctx) {
      // ctx.old.X, ctx.parent(T).X
      if (parentNode?.type !== 'MemberExpression' || parentNode.object !== node)
        throw new AnalysisError(`the context "${name}" is used as a whole; destructure it ({ old, parent }) or declare deps`);
      const member = propertyName(parentNode);
      const grand = ancestors[ancestors.length - 2];
      if (member === 'old') reads.old.add(memberName(parentNode, grand, 'the old row'));
      else if (member === 'parent') parentRead(grand, ancestors[ancestors.length - 3], parentNode);
      else if (member === 'user') reads.user = true;
    }
  });
  let body = pretty(text.slice(fnNode.body.start, fnNode.body.end));
  if (body.startsWith('{')) body = body.replace(/^\{\s*(return\s+)?/, '').replace(/;?\s*\}$/, '');
  if (names.row) body = body.replace(new RegExp(`\\b${names.row}\\??\\.`, 'g'), '');
  // a bundler's rewrite of imported names (`(0, __vite_ssr_import_2__.Order)`, `import_models.Order`) reads as the name
  body = body
    .replace(/\(0, (?:__vite_ssr_import_\d+__|import_\w+)\.(\w+)\)/g, '$1')
    .replace(/\b(?:__vite_ssr_import_\d+__|import_\w+)\./g, '');
  reads.body = body;
  return reads;

  function parentRead(call: AnyNode | undefined, outer: AnyNode | undefined, callee: AnyNode): void {
    if (call?.type !== 'CallExpression' || call.callee !== callee) throw new AnalysisError('parent must be called: parent(Table).Column');
    const [tableArg, roleArg] = call.arguments as AnyNode[];
    const tableName = modelName(tableArg);
    if (!tableName) throw new AnalysisError('parent(…) takes the parent table by name: parent(Order)');
    if (roleArg && roleArg.type !== 'Literal') throw new AnalysisError('parent(Table, role): the role must be a string literal');
    reads.parents.push({ table: tableName, role: roleArg?.value, column: memberName(call, outer, `parent(${tableName})`) });
  }
}

/** `Order`, `models.Order` (or a bundler's `import_models.Order`): the model's export name */
function modelName(node: AnyNode | undefined): string | undefined {
  if (node?.type === 'Identifier') return node.name;
  if (node?.type === 'MemberExpression' && !node.computed) return node.property.name;
  if (node?.type === 'SequenceExpression') return modelName(node.expressions[node.expressions.length - 1]);
  return undefined;
}

/** `old == null`, `!old`, `old ? … : …`, `old && …`: tests whether the row exists, reads no column */
function isPresenceTest(node: AnyNode, parentNode: AnyNode | undefined): boolean {
  switch (parentNode?.type) {
    case 'BinaryExpression':
      return ['==', '===', '!=', '!=='].includes(parentNode.operator);
    case 'UnaryExpression':
      return parentNode.operator === '!';
    case 'LogicalExpression':
      return parentNode.left === node;
    case 'ConditionalExpression':
    case 'IfStatement':
      return parentNode.test === node;
    default:
      return false;
  }
}

function destructured(p: AnyNode, into: Set<string>): void {
  if (p.type === 'RestElement') throw new AnalysisError('a rest pattern (...rest) reads every column; name the columns or declare deps');
  if (p.computed) throw new AnalysisError('a computed property in a pattern cannot be followed; declare deps');
  into.add(p.key.name ?? String(p.key.value));
}

function propertyName(member: AnyNode): string {
  if (!member.computed) return member.property.name;
  if (member.property.type === 'Literal' && typeof member.property.value === 'string') return member.property.value;
  throw new AnalysisError('a computed column name (row[x]) cannot be followed; declare deps');
}

/** `row.X` (or `row?.X`, `row['X']`) → X; the row used any other way escapes analysis */
function memberName(node: AnyNode, parentNode: AnyNode | undefined, what: string): string {
  if (parentNode?.type === 'MemberExpression' && parentNode.object === node) return propertyName(parentNode);
  throw new AnalysisError(
    `${what} is used as a whole (passed on or spread), so what it reads cannot be followed; read its columns directly or declare deps`,
  );
}

function parseFunction(fn: AnyFunction): { node: AnyNode; text: string } {
  const src = fn.toString();
  // arrow or function expression; `method(x) {…}` (object shorthand) needs a wrapper to parse
  for (const text of [`(${src})`, `({ ${src} })`]) {
    let program: AnyNode;
    try {
      program = parse(text, { ecmaVersion: 'latest' }) as AnyNode;
    } catch {
      continue;
    }
    const expr = program.body[0]?.expression;
    if (expr?.type === 'ArrowFunctionExpression' || expr?.type === 'FunctionExpression') return { node: expr, text };
    if (expr?.type === 'ObjectExpression') return { node: expr.properties[0].value, text };
  }
  if (/\[native code\]/.test(src)) throw new AnalysisError('a native or bound function has no source to analyse; declare deps');
  throw new AnalysisError('its source could not be parsed; declare deps');
}

function walk(node: AnyNode, ancestors: AnyNode[], visit: (n: AnyNode, ancestors: AnyNode[]) => void): void {
  visit(node, ancestors);
  ancestors.push(node);
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === 'string') walk(child, ancestors, visit);
    } else if (value && typeof value.type === 'string') walk(value, ancestors, visit);
  }
  ancestors.pop();
}

const KEYWORDS = new Set(['if', 'for', 'while', 'return', 'typeof', 'in', 'of', 'new', 'throw', 'case', 'switch', 'catch']);

/**
 * A number as it was most likely written: esbuild prints every number in its shortest form, so a
 * rule's `<= 100000` arrives as `<= 1e5` (and 0.000001 as 1e-6); as plain digits while JavaScript
 * writes the value so (below 1e21).
 */
export function asWritten(literal: string): string {
  if (!/^[\d.]+e[+-]?\d+$/i.test(literal)) return literal;
  const plain = String(Number(literal));
  return /e/i.test(plain) ? literal : plain;
}

/** re-spaces source that a bundler minified (`a<=b` → `a <= b`), for rule names */
function pretty(src: string): string {
  let out = '';
  let prev = '';
  try {
    for (const t of tokenizer(src, { ecmaVersion: 'latest' })) {
      const text = t.type.label === 'num' ? asWritten(src.slice(t.start, t.end)) : src.slice(t.start, t.end);
      const call = (text === '(' || text === '[') && /[\w)\]]$/.test(prev) && !KEYWORDS.has(prev);
      const tight = call || ['.', '?.', ')', ']', ',', ';'].includes(text) || ['.', '?.', '(', '[', '!', ''].includes(prev);
      out += (tight ? '' : ' ') + text + (text === ',' ? ' ' : '');
      prev = text;
    }
  } catch {
    return src.replace(/\s+/g, ' ').trim();
  }
  return out.replace(/\s+/g, ' ').trim();
}
