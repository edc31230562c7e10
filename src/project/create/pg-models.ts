/**
 * The PostgreSQL half of models.ts: pg-core builders for PostgreSQL's types, typed as alsx's pools
 * hand values to rules (src/store/pg-values.ts) — numeric and bigint as numbers, dates and timestamps
 * as ISO text, booleans as 0/1, json as the server's text — and identity or serial keys as declared.
 */
import type { ColumnInfo, TableInfo } from '../../store/types.js';
import type { ColumnType, ModelFlavour } from './models.js';
import { quote } from './names.js';
import type { PgFacts } from './pg-source.js';

/** what a PostgreSQL models.ts imports or declares: no table export may take these names */
export const PG_HELPERS = [
  'AnyPgColumn',
  'bigint',
  'bigserial',
  'boolean',
  'bytea',
  'char',
  'cidr',
  'customType',
  'date',
  'doublePrecision',
  'foreignKey',
  'inet',
  'integer',
  'interval',
  'json',
  'jsonb',
  'macaddr',
  'numeric',
  'pgTable',
  'pgView',
  'primaryKey',
  'real',
  'serial',
  'smallint',
  'smallserial',
  'sql',
  'text',
  'time',
  'timestamp',
  'uuid',
  'varchar',
];

export function pgFlavour(pg: PgFacts): ModelFlavour {
  const generation = (table: TableInfo, c: ColumnInfo) => pg.generated.get(`${table.name}\u0000${c.name}`);
  return {
    module: 'drizzle-orm/pg-core',
    table: 'pgTable',
    view: 'pgView',
    anyColumn: 'AnyPgColumn',
    typeOf: (table, c, uses) => pgTypeOf(c, uses, generation(table, c) === 'serial' && c.kind === 'integer'),
    keyOf: (table, c, onlyKey) => {
      const how = generation(table, c);
      // a serial is NOT NULL with a default already; an identity is declared after the key
      let code = onlyKey ? '.primaryKey()' : c.notNull && how !== 'serial' ? '.notNull()' : '';
      if (c.kind === 'integer' && how === 'always') code += '.generatedAlwaysAsIdentity()';
      if (c.kind === 'integer' && how === 'byDefault') code += '.generatedByDefaultAsIdentity()';
      return code;
    },
    local: ['bytea'],
    helpers: (uses) => {
      if (!uses.has('bytea')) return [];
      uses.add('customType');
      return ['/** bytea: a Buffer in rules */', "const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });"];
    },
    valuesNote: [
      'numeric and bigint columns are numbers in rules, computed exactly by',
      'the engine; dates and timestamps ISO text (timestamptz in UTC, …Z); boolean columns hold 0 and 1;',
      'json, arrays, enums and other types the text PostgreSQL writes for them.',
    ],
  };
}

/** the pg-core builder for a column, by its type as PostgreSQL spells it (format_type) or, for a domain, by its kind */
function pgTypeOf(c: ColumnInfo, uses: string[], serial: boolean): ColumnType {
  const name = quote(c.name);
  const t = c.declaredType.toLowerCase().trim();
  const use = (builder: string, code: string, comment = '', tsType = 'string'): ColumnType => {
    uses.push(builder);
    return { builder: code, comment, tsType };
  };
  if (serial) {
    if (t === 'bigint') return use('bigserial', `bigserial(${name}, { mode: 'number' })`, 'bigserial', 'number');
    if (t === 'smallint') return use('smallserial', `smallserial(${name})`, '', 'number');
    return use('serial', `serial(${name})`, '', 'number');
  }
  switch (c.kind) {
    case 'integer':
      if (t === 'bigint') return use('bigint', `bigint(${name}, { mode: 'number' })`, 'a number (a bigint above 2^53)', 'number');
      if (t === 'smallint') return use('smallint', `smallint(${name})`, '', 'number');
      return use('integer', `integer(${name})`, t === 'integer' ? '' : t, 'number');
    case 'boolean':
      return use('boolean', `boolean(${name}).$type<number>()`, `${t === 'boolean' ? '' : `${t}, `}0 or 1 in rules`, 'number');
    case 'decimal':
    case 'numeric': {
      const digits = [
        ...(c.precision != null ? [`precision: ${c.precision}`] : []),
        ...(c.precision != null && c.scale != null ? [`scale: ${c.scale}`] : []),
      ];
      return use(
        'numeric',
        `numeric(${name}, { mode: 'number'${digits.map((d) => `, ${d}`).join('')} })`,
        /^numeric/.test(t) ? '' : t,
        'number',
      );
    }
    case 'real':
      if (t === 'real') return use('real', `real(${name})`, '', 'number');
      return use('doublePrecision', `doublePrecision(${name})`, t === 'double precision' ? '' : t, 'number');
    case 'date':
      return use('date', `date(${name}, { mode: 'string' })`, t === 'date' ? 'YYYY-MM-DD' : `${t}: YYYY-MM-DD`);
    case 'datetime': {
      const zone = /with time zone/.test(t);
      const precision = /^timestamp\((\d+)\)/.exec(t)?.[1];
      const options = [`mode: 'string'`, ...(zone ? ['withTimezone: true'] : []), ...(precision ? [`precision: ${precision}`] : [])];
      return use(
        'timestamp',
        `timestamp(${name}, { ${options.join(', ')} })`,
        zone ? 'ISO text in UTC, YYYY-MM-DDTHH:MM:SSZ' : 'ISO text, YYYY-MM-DDTHH:MM:SS',
      );
    }
    case 'blob':
      return use('bytea', `bytea(${name})`, t === 'bytea' ? '' : t, 'Buffer');
    default:
      return textTypeOf(c, t, use);
  }
}

/** text, character types, and the types alsx hands to rules as the server's text */
function textTypeOf(c: ColumnInfo, t: string, use: (builder: string, code: string, comment?: string) => ColumnType): ColumnType {
  const name = quote(c.name);
  const length = /^(character varying|character)(?:\((\d+)\))?$/.exec(t);
  if (length) {
    const builder = length[1] === 'character' ? 'char' : 'varchar';
    return use(builder, length[2] ? `${builder}(${name}, { length: ${length[2]} })` : `${builder}(${name})`);
  }
  if (t === 'text') return use('text', `text(${name})`);
  if (t === 'uuid') return use('uuid', `uuid(${name})`);
  if (t === 'json' || t === 'jsonb') return use(t, `${t}(${name}).$type<string>()`, 'the JSON text: JSON.parse it in a rule');
  if (t === 'interval') return use('interval', `interval(${name})`);
  if (t === 'inet' || t === 'cidr' || t === 'macaddr') return use(t, `${t}(${name})`);
  const time = /^time(?:\((\d+)\))? with(out)? time zone$/.exec(t);
  if (time) {
    const options = [...(time[2] ? [] : ['withTimezone: true']), ...(time[1] ? [`precision: ${time[1]}`] : [])];
    return use('time', options.length ? `time(${name}, { ${options.join(', ')} })` : `time(${name})`);
  }
  // arrays, enums, ranges, money, domains over text …: rules see the text PostgreSQL writes for them
  return use('text', `text(${name})`, t.endsWith('[]') ? `${t}: the array's text, e.g. {1,2}` : `${t}: as text`);
}
