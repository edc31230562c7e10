// Generates projects/northwind/db/seed.sql: the classic Northwind reference data plus a few hundred
// deterministic orders, with every derived column (Amount, AmountTotal, Balance, counts, UnitsShipped)
// already equal to what the rules in projects/northwind/logic compute.
//
//   node --import tsx scripts/gen-northwind-seed.ts [OUTPUT]   (npm run seed:northwind)
//
// Determinism: a seeded PRNG, fixed dates, no clock, no downloads — two runs give byte-identical output.
// Money is handled in integer cents throughout so sums are exact (no float drift).

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../src/api/security/passwords.js';
import { USERS_TABLE } from '../src/api/security/users-table.js';

const OUTPUT = process.argv[2] ?? fileURLToPath(new URL('../projects/northwind/db/seed.sql', import.meta.url));
const SEED = 0x4e57_2024; // "NW" 2024 — any fixed value; change it to get a different (still stable) data set

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

type Rng = () => number;

/** mulberry32: tiny, fast, good enough for test data, and identical on every platform. */
function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max], inclusive. */
function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return at(items, Math.floor(rng() * items.length));
}

/** Checked index access: a bad index is a bug in this script, so fail loudly. */
function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`index ${index} out of range (length ${items.length})`);
  return item;
}

/** Picks `count` distinct items (partial Fisher–Yates on a copy). */
function pickDistinct<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  for (let i = 0; i < count && pool.length > 0; i++) {
    const j = Math.floor(rng() * pool.length);
    out.push(at(pool, j));
    pool[j] = at(pool, pool.length - 1);
    pool.pop();
  }
  return out;
}

/** Parses a decimal literal such as "21.35" into cents without going through floats. */
function toCents(decimal: string): number {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(decimal);
  if (!match) throw new Error(`not a money literal: ${decimal}`);
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  return whole * 100 + fraction;
}

/** Cents → shortest plain decimal: 1800 → "18", 1950 → "19.5", 2135 → "21.35". */
function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new Error(`bad cents value: ${cents}`);
  const whole = Math.floor(cents / 100);
  const fraction = cents % 100;
  if (fraction === 0) return String(whole);
  return `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
}

// Dates are whole days since 1970-01-01 (UTC), so arithmetic is plain integer addition.
const MS_PER_DAY = 86_400_000;

function day(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
}

function isoDate(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// SQL rendering
// ---------------------------------------------------------------------------------------------

/** Money is tagged so it is rendered as a decimal, never confused with an integer column. */
interface Money {
  readonly cents: number;
}
type SqlValue = string | number | null | Money;

const money = (cents: number): Money => ({ cents });

function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  return formatCents(value.cents);
}

/** One INSERT per row: easy to diff, easy to read, and any row can be copied into a test. */
function insert(table: string, row: Readonly<Record<string, SqlValue>>): string {
  const columns = Object.keys(row)
    .map((c) => `"${c}"`)
    .join(', ');
  const values = Object.values(row).map(sqlLiteral).join(', ');
  return `INSERT INTO "${table}" (${columns}) VALUES (${values});`;
}

// ---------------------------------------------------------------------------------------------
// Classic Northwind reference data
// ---------------------------------------------------------------------------------------------

const CATEGORIES: readonly (readonly [name: string, description: string])[] = [
  ['Beverages', 'Soft drinks, coffees, teas, beers, and ales'],
  ['Condiments', 'Sweet and savory sauces, relishes, spreads, and seasonings'],
  ['Confections', 'Desserts, candies, and sweet breads'],
  ['Dairy Products', 'Cheeses'],
  ['Grains/Cereals', 'Breads, crackers, pasta, and cereal'],
  ['Meat/Poultry', 'Prepared meats'],
  ['Produce', 'Dried fruit and bean curd'],
  ['Seafood', 'Seaweed and fish'],
];

type SupplierRow = readonly [
  company: string,
  contact: string,
  title: string,
  address: string,
  city: string,
  region: string | null,
  postalCode: string,
  country: string,
  phone: string,
];

// Ids 1..29 in this order; products below reference them by id.
const SUPPLIERS: readonly SupplierRow[] = [
  ['Exotic Liquids', 'Charlotte Cooper', 'Purchasing Manager', '49 Gilbert St.', 'London', null, 'EC1 4SD', 'UK', '(171) 555-2222'],
  [
    'New Orleans Cajun Delights',
    'Shelley Burke',
    'Order Administrator',
    'P.O. Box 78934',
    'New Orleans',
    'LA',
    '70117',
    'USA',
    '(100) 555-4822',
  ],
  [
    "Grandma Kelly's Homestead",
    'Regina Murphy',
    'Sales Representative',
    '707 Oxford Rd.',
    'Ann Arbor',
    'MI',
    '48104',
    'USA',
    '(313) 555-5735',
  ],
  ['Tokyo Traders', 'Yoshi Nagase', 'Marketing Manager', '9-8 Sekimai Musashino-shi', 'Tokyo', null, '100', 'Japan', '(03) 3555-5011'],
  [
    "Cooperativa de Quesos 'Las Cabras'",
    'Antonio del Valle Saavedra',
    'Export Administrator',
    'Calle del Rosal 4',
    'Oviedo',
    'Asturias',
    '33007',
    'Spain',
    '(98) 598 76 54',
  ],
  ["Mayumi's", 'Mayumi Ohno', 'Marketing Representative', '92 Setsuko Chuo-ku', 'Osaka', null, '545', 'Japan', '(06) 431-7877'],
  [
    'Pavlova, Ltd.',
    'Ian Devling',
    'Marketing Manager',
    '74 Rose St. Moonie Ponds',
    'Melbourne',
    'Victoria',
    '3058',
    'Australia',
    '(03) 444-2343',
  ],
  [
    'Specialty Biscuits, Ltd.',
    'Peter Wilson',
    'Sales Representative',
    "29 King's Way",
    'Manchester',
    null,
    'M14 GSD',
    'UK',
    '(161) 555-4448',
  ],
  ['PB Knäckebröd AB', 'Lars Peterson', 'Sales Agent', 'Kaloadagatan 13', 'Göteborg', null, 'S-345 67', 'Sweden', '031-987 65 43'],
  [
    'Refrescos Americanas LTDA',
    'Carlos Diaz',
    'Marketing Manager',
    'Av. das Americanas 12.890',
    'Sao Paulo',
    null,
    '5442',
    'Brazil',
    '(11) 555 4640',
  ],
  [
    'Heli Süßwaren GmbH & Co. KG',
    'Petra Winkler',
    'Sales Manager',
    'Tiergartenstraße 5',
    'Berlin',
    null,
    '10785',
    'Germany',
    '(010) 9984510',
  ],
  [
    'Plutzer Lebensmittelgroßmärkte AG',
    'Martin Bein',
    'International Marketing Mgr.',
    'Bogenallee 51',
    'Frankfurt',
    null,
    '60439',
    'Germany',
    '(069) 992755',
  ],
  [
    'Nord-Ost-Fisch Handelsgesellschaft mbH',
    'Sven Petersen',
    'Coordinator Foreign Markets',
    'Frahmredder 112a',
    'Cuxhaven',
    null,
    '27478',
    'Germany',
    '(04721) 8713',
  ],
  ['Formaggi Fortini s.r.l.', 'Elio Rossi', 'Sales Representative', 'Viale Dante, 75', 'Ravenna', null, '48100', 'Italy', '(0544) 60323'],
  ['Norske Meierier', 'Beate Vileid', 'Marketing Manager', 'Hatlevegen 5', 'Sandvika', null, '1320', 'Norway', '(0)2-953010'],
  [
    'Bigfoot Breweries',
    'Cheryl Saylor',
    'Regional Account Rep.',
    '3400 - 8th Avenue Suite 210',
    'Bend',
    'OR',
    '97101',
    'USA',
    '(503) 555-9931',
  ],
  [
    'Svensk Sjöföda AB',
    'Michael Björn',
    'Sales Representative',
    'Brovallavägen 231',
    'Stockholm',
    null,
    'S-123 45',
    'Sweden',
    '08-123 45 67',
  ],
  [
    'Aux joyeux ecclésiastiques',
    'Guylène Nodier',
    'Sales Manager',
    '203, Rue des Francs-Bourgeois',
    'Paris',
    null,
    '75004',
    'France',
    '(1) 03.83.00.68',
  ],
  [
    'New England Seafood Cannery',
    'Robb Merchant',
    'Wholesale Account Agent',
    'Order Processing Dept. 2100 Paul Revere Blvd.',
    'Boston',
    'MA',
    '02134',
    'USA',
    '(617) 555-3267',
  ],
  ['Leka Trading', 'Chandra Leka', 'Owner', '471 Serangoon Loop, Suite #402', 'Singapore', null, '0512', 'Singapore', '555-8787'],
  ['Lyngbysild', 'Niels Petersen', 'Sales Manager', 'Lyngbysild Fiskebakken 10', 'Lyngby', null, '2800', 'Denmark', '43844108'],
  [
    'Zaanse Snoepfabriek',
    'Dirk Luchte',
    'Accounting Manager',
    'Verkoop Rijnweg 22',
    'Zaandam',
    null,
    '9999 ZZ',
    'Netherlands',
    '(12345) 1212',
  ],
  ['Karkki Oy', 'Anne Heikkonen', 'Product Manager', 'Valtakatu 12', 'Lappeenranta', null, '53120', 'Finland', '(953) 10956'],
  [
    "G'day, Mate",
    'Wendy Mackenzie',
    'Sales Representative',
    "170 Prince Edward Parade Hunter's Hill",
    'Sydney',
    'NSW',
    '2042',
    'Australia',
    '(02) 555-5914',
  ],
  [
    'Ma Maison',
    'Jean-Guy Lauzon',
    'Marketing Manager',
    '2960 Rue St. Laurent',
    'Montréal',
    'Québec',
    'H1J 1C3',
    'Canada',
    '(514) 555-9022',
  ],
  [
    'Pasta Buttini s.r.l.',
    'Giovanni Giudici',
    'Order Administrator',
    'Via dei Gelsomini, 153',
    'Salerno',
    null,
    '84100',
    'Italy',
    '(089) 6547665',
  ],
  ['Escargots Nouveaux', 'Marie Delamare', 'Sales Manager', '22, rue H. Voiron', 'Montceau', null, '71300', 'France', '85.57.00.07'],
  ['Gai pâturage', 'Eliane Noz', 'Sales Representative', 'Bat. B 3, rue des Alpes', 'Annecy', null, '74000', 'France', '38.76.98.06'],
  [
    "Forêts d'érables",
    'Chantal Goulet',
    'Accounting Manager',
    '148 rue Chasseur',
    'Ste-Hyacinthe',
    'Québec',
    'J2S 7S8',
    'Canada',
    '(514) 555-2955',
  ],
];

const SHIPPERS: readonly (readonly [company: string, phone: string])[] = [
  ['Speedy Express', '(503) 555-9831'],
  ['United Package', '(503) 555-3199'],
  ['Federal Shipping', '(503) 555-9931'],
];

type CustomerRow = readonly [
  id: string,
  company: string,
  contact: string,
  title: string,
  address: string,
  city: string,
  region: string | null,
  postalCode: string | null,
  country: string,
  phone: string,
  fax: string | null,
];

const CUSTOMERS: readonly CustomerRow[] = [
  [
    'ALFKI',
    'Alfreds Futterkiste',
    'Maria Anders',
    'Sales Representative',
    'Obere Str. 57',
    'Berlin',
    null,
    '12209',
    'Germany',
    '030-0074321',
    '030-0076545',
  ],
  [
    'ANATR',
    'Ana Trujillo Emparedados y helados',
    'Ana Trujillo',
    'Owner',
    'Avda. de la Constitución 2222',
    'México D.F.',
    null,
    '05021',
    'Mexico',
    '(5) 555-4729',
    '(5) 555-3745',
  ],
  [
    'ANTON',
    'Antonio Moreno Taquería',
    'Antonio Moreno',
    'Owner',
    'Mataderos  2312',
    'México D.F.',
    null,
    '05023',
    'Mexico',
    '(5) 555-3932',
    null,
  ],
  [
    'AROUT',
    'Around the Horn',
    'Thomas Hardy',
    'Sales Representative',
    '120 Hanover Sq.',
    'London',
    null,
    'WA1 1DP',
    'UK',
    '(171) 555-7788',
    '(171) 555-6750',
  ],
  [
    'BERGS',
    'Berglunds snabbköp',
    'Christina Berglund',
    'Order Administrator',
    'Berguvsvägen  8',
    'Luleå',
    null,
    'S-958 22',
    'Sweden',
    '0921-12 34 65',
    '0921-12 34 67',
  ],
  [
    'BLAUS',
    'Blauer See Delikatessen',
    'Hanna Moos',
    'Sales Representative',
    'Forsterstr. 57',
    'Mannheim',
    null,
    '68306',
    'Germany',
    '0621-08460',
    '0621-08924',
  ],
  [
    'BLONP',
    'Blondesddsl père et fils',
    'Frédérique Citeaux',
    'Marketing Manager',
    '24, place Kléber',
    'Strasbourg',
    null,
    '67000',
    'France',
    '88.60.15.31',
    '88.60.15.32',
  ],
  [
    'BOLID',
    'Bólido Comidas preparadas',
    'Martín Sommer',
    'Owner',
    'C/ Araquil, 67',
    'Madrid',
    null,
    '28023',
    'Spain',
    '(91) 555 22 82',
    '(91) 555 91 99',
  ],
  [
    'BONAP',
    "Bon app'",
    'Laurence Lebihan',
    'Owner',
    '12, rue des Bouchers',
    'Marseille',
    null,
    '13008',
    'France',
    '91.24.45.40',
    '91.24.45.41',
  ],
  [
    'BOTTM',
    'Bottom-Dollar Markets',
    'Elizabeth Lincoln',
    'Accounting Manager',
    '23 Tsawassen Blvd.',
    'Tsawassen',
    'BC',
    'T2F 8M4',
    'Canada',
    '(604) 555-4729',
    '(604) 555-3745',
  ],
  [
    'BSBEV',
    "B's Beverages",
    'Victoria Ashworth',
    'Sales Representative',
    'Fauntleroy Circus',
    'London',
    null,
    'EC2 5NT',
    'UK',
    '(171) 555-1212',
    null,
  ],
  [
    'CACTU',
    'Cactus Comidas para llevar',
    'Patricio Simpson',
    'Sales Agent',
    'Cerrito 333',
    'Buenos Aires',
    null,
    '1010',
    'Argentina',
    '(1) 135-5555',
    '(1) 135-4892',
  ],
  [
    'CENTC',
    'Centro comercial Moctezuma',
    'Francisco Chang',
    'Marketing Manager',
    'Sierras de Granada 9993',
    'México D.F.',
    null,
    '05022',
    'Mexico',
    '(5) 555-3392',
    '(5) 555-7293',
  ],
  ['CHOPS', 'Chop-suey Chinese', 'Yang Wang', 'Owner', 'Hauptstr. 29', 'Bern', null, '3012', 'Switzerland', '0452-076545', null],
  [
    'COMMI',
    'Comércio Mineiro',
    'Pedro Afonso',
    'Sales Associate',
    'Av. dos Lusíadas, 23',
    'Sao Paulo',
    'SP',
    '05432-043',
    'Brazil',
    '(11) 555-7647',
    null,
  ],
  [
    'CONSH',
    'Consolidated Holdings',
    'Elizabeth Brown',
    'Sales Representative',
    'Berkeley Gardens 12  Brewery',
    'London',
    null,
    'WX1 6LT',
    'UK',
    '(171) 555-2282',
    '(171) 555-9199',
  ],
  [
    'DRACD',
    'Drachenblut Delikatessen',
    'Sven Ottlieb',
    'Order Administrator',
    'Walserweg 21',
    'Aachen',
    null,
    '52066',
    'Germany',
    '0241-039123',
    '0241-059428',
  ],
  [
    'DUMON',
    'Du monde entier',
    'Janine Labrune',
    'Owner',
    '67, rue des Cinquante Otages',
    'Nantes',
    null,
    '44000',
    'France',
    '40.67.88.88',
    '40.67.89.89',
  ],
  [
    'EASTC',
    'Eastern Connection',
    'Ann Devon',
    'Sales Agent',
    '35 King George',
    'London',
    null,
    'WX3 6FW',
    'UK',
    '(171) 555-0297',
    '(171) 555-3373',
  ],
  ['ERNSH', 'Ernst Handel', 'Roland Mendel', 'Sales Manager', 'Kirchgasse 6', 'Graz', null, '8010', 'Austria', '7675-3425', '7675-3426'],
  [
    'FAMIA',
    'Familia Arquibaldo',
    'Aria Cruz',
    'Marketing Assistant',
    'Rua Orós, 92',
    'Sao Paulo',
    'SP',
    '05442-030',
    'Brazil',
    '(11) 555-9857',
    null,
  ],
  [
    'FISSA',
    'FISSA Fabrica Inter. Salchichas S.A.',
    'Diego Roel',
    'Accounting Manager',
    'C/ Moralzarzal, 86',
    'Madrid',
    null,
    '28034',
    'Spain',
    '(91) 555 94 44',
    '(91) 555 55 93',
  ],
  [
    'FOLIG',
    'Folies gourmandes',
    'Martine Rancé',
    'Assistant Sales Agent',
    '184, chaussée de Tournai',
    'Lille',
    null,
    '59000',
    'France',
    '20.16.10.16',
    '20.16.10.17',
  ],
  ['FOLKO', 'Folk och fä HB', 'Maria Larsson', 'Owner', 'Åkergatan 24', 'Bräcke', null, 'S-844 67', 'Sweden', '0695-34 67 21', null],
  [
    'FRANK',
    'Frankenversand',
    'Peter Franken',
    'Marketing Manager',
    'Berliner Platz 43',
    'München',
    null,
    '80805',
    'Germany',
    '089-0877310',
    '089-0877451',
  ],
  [
    'FRANR',
    'France restauration',
    'Carine Schmitt',
    'Marketing Manager',
    '54, rue Royale',
    'Nantes',
    null,
    '44000',
    'France',
    '40.32.21.21',
    '40.32.21.20',
  ],
  [
    'FRANS',
    'Franchi S.p.A.',
    'Paolo Accorti',
    'Sales Representative',
    'Via Monte Bianco 34',
    'Torino',
    null,
    '10100',
    'Italy',
    '011-4988260',
    '011-4988261',
  ],
  [
    'FURIB',
    'Furia Bacalhau e Frutos do Mar',
    'Lino Rodriguez',
    'Sales Manager',
    'Jardim das rosas n. 32',
    'Lisboa',
    null,
    '1675',
    'Portugal',
    '(1) 354-2534',
    '(1) 354-2535',
  ],
  [
    'GALED',
    'Galería del gastrónomo',
    'Eduardo Saavedra',
    'Marketing Manager',
    'Rambla de Cataluña, 23',
    'Barcelona',
    null,
    '08022',
    'Spain',
    '(93) 203 4560',
    '(93) 203 4561',
  ],
  [
    'GODOS',
    'Godos Cocina Típica',
    'José Pedro Freyre',
    'Sales Manager',
    'C/ Romero, 33',
    'Sevilla',
    null,
    '41101',
    'Spain',
    '(95) 555 82 82',
    null,
  ],
  [
    'GOURL',
    'Gourmet Lanchonetes',
    'André Fonseca',
    'Sales Associate',
    'Av. Brasil, 442',
    'Campinas',
    'SP',
    '04876-786',
    'Brazil',
    '(11) 555-9482',
    null,
  ],
  [
    'GREAL',
    'Great Lakes Food Market',
    'Howard Snyder',
    'Marketing Manager',
    '2732 Baker Blvd.',
    'Eugene',
    'OR',
    '97403',
    'USA',
    '(503) 555-7555',
    null,
  ],
  [
    'HANAR',
    'Hanari Carnes',
    'Mario Pontes',
    'Accounting Manager',
    'Rua do Paço, 67',
    'Rio de Janeiro',
    'RJ',
    '05454-876',
    'Brazil',
    '(21) 555-0091',
    '(21) 555-8765',
  ],
  [
    'HILAA',
    'HILARION-Abastos',
    'Carlos Hernández',
    'Sales Representative',
    'Carrera 22 con Ave. Carlos Soublette #8-35',
    'San Cristóbal',
    'Táchira',
    '5022',
    'Venezuela',
    '(5) 555-1340',
    '(5) 555-1948',
  ],
  [
    'HUNGC',
    'Hungry Coyote Import Store',
    'Yoshi Latimer',
    'Sales Representative',
    'City Center Plaza 516 Main St.',
    'Elgin',
    'OR',
    '97827',
    'USA',
    '(503) 555-6874',
    '(503) 555-2376',
  ],
  [
    'HUNGO',
    'Hungry Owl All-Night Grocers',
    'Patricia McKenna',
    'Sales Associate',
    '8 Johnstown Road',
    'Cork',
    'Co. Cork',
    null,
    'Ireland',
    '2967 542',
    '2967 3333',
  ],
  [
    'ISLAT',
    'Island Trading',
    'Helen Bennett',
    'Marketing Manager',
    'Garden House Crowther Way',
    'Cowes',
    'Isle of Wight',
    'PO31 7PJ',
    'UK',
    '(198) 555-8888',
    null,
  ],
  [
    'KOENE',
    'Königlich Essen',
    'Philip Cramer',
    'Sales Associate',
    'Maubelstr. 90',
    'Brandenburg',
    null,
    '14776',
    'Germany',
    '0555-09876',
    null,
  ],
  [
    'LAMAI',
    "La maison d'Asie",
    'Annette Roulet',
    'Sales Manager',
    '1 rue Alsace-Lorraine',
    'Toulouse',
    null,
    '31000',
    'France',
    '61.77.61.10',
    '61.77.61.11',
  ],
  [
    'LILAS',
    'LILA-Supermercado',
    'Carlos González',
    'Accounting Manager',
    'Carrera 52 con Ave. Bolívar #65-98 Llano Largo',
    'Barquisimeto',
    'Lara',
    '3508',
    'Venezuela',
    '(9) 331-6954',
    '(9) 331-7256',
  ],
  [
    'QUICK',
    'QUICK-Stop',
    'Horst Kloss',
    'Accounting Manager',
    'Taucherstraße 10',
    'Cunewalde',
    null,
    '01307',
    'Germany',
    '0372-035188',
    null,
  ],
  [
    'RATTC',
    'Rattlesnake Canyon Grocery',
    'Paula Wilson',
    'Assistant Sales Representative',
    '2817 Milton Dr.',
    'Albuquerque',
    'NM',
    '87110',
    'USA',
    '(505) 555-5939',
    '(505) 555-3620',
  ],
  [
    'SAVEA',
    'Save-a-lot Markets',
    'Jose Pavarotti',
    'Sales Representative',
    '187 Suffolk Ln.',
    'Boise',
    'ID',
    '83720',
    'USA',
    '(208) 555-8097',
    null,
  ],
  [
    'SEVES',
    'Seven Seas Imports',
    'Hari Kumar',
    'Sales Manager',
    '90 Wadhurst Rd.',
    'London',
    null,
    'OX15 4NB',
    'UK',
    '(171) 555-1717',
    '(171) 555-5646',
  ],
  [
    'VINET',
    'Vins et alcools Chevalier',
    'Paul Henriot',
    'Accounting Manager',
    "59 rue de l'Abbaye",
    'Reims',
    null,
    '51100',
    'France',
    '26.47.15.10',
    '26.47.15.11',
  ],
  [
    'WARTH',
    'Wartian Herkku',
    'Pirkko Koskitalo',
    'Accounting Manager',
    'Torikatu 38',
    'Oulu',
    null,
    '90110',
    'Finland',
    '981-443655',
    '981-443655',
  ],
  [
    'WOLZA',
    'Wolski  Zajazd',
    'Zbyszek Piestrzeniewicz',
    'Owner',
    'ul. Filtrowa 68',
    'Warszawa',
    null,
    '01-012',
    'Poland',
    '(26) 642-7012',
    '(26) 642-7012',
  ],
];

interface EmployeeData {
  readonly lastName: string;
  readonly firstName: string;
  readonly title: string;
  readonly courtesy: string;
  readonly birthDate: string;
  readonly hireDate: string;
  readonly address: string;
  readonly city: string;
  readonly region: string | null;
  readonly postalCode: string;
  readonly country: string;
  readonly homePhone: string;
  readonly extension: string;
  readonly notes: string;
  readonly reportsTo: number | null;
  readonly salary: string;
}

// Ids 1..9 in this order. Fuller (2) is the boss; Buchanan (5) manages the London office (6, 7, 9).
const EMPLOYEES: readonly EmployeeData[] = [
  {
    lastName: 'Davolio',
    firstName: 'Nancy',
    title: 'Sales Representative',
    courtesy: 'Ms.',
    birthDate: '1968-12-08',
    hireDate: '2012-05-01',
    address: '507 - 20th Ave. E. Apt. 2A',
    city: 'Seattle',
    region: 'WA',
    postalCode: '98122',
    country: 'USA',
    homePhone: '(206) 555-9857',
    extension: '5467',
    notes: 'Education includes a BA in psychology from Colorado State University.',
    reportsTo: 2,
    salary: '62000',
  },
  {
    lastName: 'Fuller',
    firstName: 'Andrew',
    title: 'Vice President, Sales',
    courtesy: 'Dr.',
    birthDate: '1962-02-19',
    hireDate: '2012-08-14',
    address: '908 W. Capital Way',
    city: 'Tacoma',
    region: 'WA',
    postalCode: '98401',
    country: 'USA',
    homePhone: '(206) 555-9482',
    extension: '3457',
    notes: 'Andrew received his BTS commercial and a Ph.D. in international marketing.',
    reportsTo: null,
    salary: '145000',
  },
  {
    lastName: 'Leverling',
    firstName: 'Janet',
    title: 'Sales Representative',
    courtesy: 'Ms.',
    birthDate: '1973-08-30',
    hireDate: '2012-04-01',
    address: '722 Moss Bay Blvd.',
    city: 'Kirkland',
    region: 'WA',
    postalCode: '98033',
    country: 'USA',
    homePhone: '(206) 555-3412',
    extension: '3355',
    notes: 'Janet has a BS degree in chemistry from Boston College.',
    reportsTo: 2,
    salary: '64500',
  },
  {
    lastName: 'Peacock',
    firstName: 'Margaret',
    title: 'Sales Representative',
    courtesy: 'Mrs.',
    birthDate: '1957-09-19',
    hireDate: '2013-05-03',
    address: '4110 Old Redmond Rd.',
    city: 'Redmond',
    region: 'WA',
    postalCode: '98052',
    country: 'USA',
    homePhone: '(206) 555-8122',
    extension: '5176',
    notes: 'Margaret holds a BA in English literature from Concordia College.',
    reportsTo: 2,
    salary: '66000',
  },
  {
    lastName: 'Buchanan',
    firstName: 'Steven',
    title: 'Sales Manager',
    courtesy: 'Mr.',
    birthDate: '1965-03-04',
    hireDate: '2013-10-17',
    address: '14 Garrett Hill',
    city: 'London',
    region: null,
    postalCode: 'SW1 8JR',
    country: 'UK',
    homePhone: '(71) 555-4848',
    extension: '3453',
    notes: 'Steven Buchanan graduated from St. Andrews University, Scotland.',
    reportsTo: 2,
    salary: '98000',
  },
  {
    lastName: 'Suyama',
    firstName: 'Michael',
    title: 'Sales Representative',
    courtesy: 'Mr.',
    birthDate: '1973-07-02',
    hireDate: '2013-10-17',
    address: 'Coventry House Miner Rd.',
    city: 'London',
    region: null,
    postalCode: 'EC2 7JR',
    country: 'UK',
    homePhone: '(71) 555-7773',
    extension: '428',
    notes: 'Michael is a graduate of Sussex University (MA, economics).',
    reportsTo: 5,
    salary: '58000',
  },
  {
    lastName: 'King',
    firstName: 'Robert',
    title: 'Sales Representative',
    courtesy: 'Mr.',
    birthDate: '1970-05-29',
    hireDate: '2014-01-02',
    address: 'Edgeham Hollow Winchester Way',
    city: 'London',
    region: null,
    postalCode: 'RG1 9SP',
    country: 'UK',
    homePhone: '(71) 555-5598',
    extension: '465',
    notes: 'Robert King served in the Peace Corps and traveled extensively.',
    reportsTo: 5,
    salary: '59500',
  },
  {
    lastName: 'Callahan',
    firstName: 'Laura',
    title: 'Inside Sales Coordinator',
    courtesy: 'Ms.',
    birthDate: '1968-01-09',
    hireDate: '2014-03-05',
    address: '4726 - 11th Ave. N.E.',
    city: 'Seattle',
    region: 'WA',
    postalCode: '98105',
    country: 'USA',
    homePhone: '(206) 555-1189',
    extension: '2344',
    notes: 'Laura received a BA in psychology from the University of Washington.',
    reportsTo: 2,
    salary: '52000',
  },
  {
    lastName: 'Dodsworth',
    firstName: 'Anne',
    title: 'Sales Representative',
    courtesy: 'Ms.',
    birthDate: '1976-01-27',
    hireDate: '2014-11-15',
    address: '7 Houndstooth Rd.',
    city: 'London',
    region: null,
    postalCode: 'WG2 7LT',
    country: 'UK',
    homePhone: '(71) 555-4444',
    extension: '452',
    notes: 'Anne has a BA degree in English from St. Lawrence College.',
    reportsTo: 5,
    salary: '57250',
  },
];

type ProductRow = readonly [
  name: string,
  supplierId: number,
  categoryId: number,
  quantityPerUnit: string,
  unitPrice: string,
  unitsInStock: number,
  unitsOnOrder: number,
  reorderLevel: number,
  discontinued: 0 | 1,
];

// The 77 classic products, ids 1..77 in this order, with their classic prices and stock levels.
const PRODUCTS: readonly ProductRow[] = [
  ['Chai', 1, 1, '10 boxes x 20 bags', '18', 39, 0, 10, 0],
  ['Chang', 1, 1, '24 - 12 oz bottles', '19', 17, 40, 25, 0],
  ['Aniseed Syrup', 1, 2, '12 - 550 ml bottles', '10', 13, 70, 25, 0],
  ["Chef Anton's Cajun Seasoning", 2, 2, '48 - 6 oz jars', '22', 53, 0, 0, 0],
  ["Chef Anton's Gumbo Mix", 2, 2, '36 boxes', '21.35', 0, 0, 0, 1],
  ["Grandma's Boysenberry Spread", 3, 2, '12 - 8 oz jars', '25', 120, 0, 25, 0],
  ["Uncle Bob's Organic Dried Pears", 3, 7, '12 - 1 lb pkgs.', '30', 15, 0, 10, 0],
  ['Northwoods Cranberry Sauce', 3, 2, '12 - 12 oz jars', '40', 6, 0, 0, 0],
  ['Mishi Kobe Niku', 4, 6, '18 - 500 g pkgs.', '97', 29, 0, 0, 1],
  ['Ikura', 4, 8, '12 - 200 ml jars', '31', 31, 0, 0, 0],
  ['Queso Cabrales', 5, 4, '1 kg pkg.', '21', 22, 30, 30, 0],
  ['Queso Manchego La Pastora', 5, 4, '10 - 500 g pkgs.', '38', 86, 0, 0, 0],
  ['Konbu', 6, 8, '2 kg box', '6', 24, 0, 5, 0],
  ['Tofu', 6, 7, '40 - 100 g pkgs.', '23.25', 35, 0, 0, 0],
  ['Genen Shouyu', 6, 2, '24 - 250 ml bottles', '15.5', 39, 0, 5, 0],
  ['Pavlova', 7, 3, '32 - 500 g boxes', '17.45', 29, 0, 10, 0],
  ['Alice Mutton', 7, 6, '20 - 1 kg tins', '39', 0, 0, 0, 1],
  ['Carnarvon Tigers', 7, 8, '16 kg pkg.', '62.5', 42, 0, 0, 0],
  ['Teatime Chocolate Biscuits', 8, 3, '10 boxes x 12 pieces', '9.2', 25, 0, 5, 0],
  ["Sir Rodney's Marmalade", 8, 3, '30 gift boxes', '81', 40, 0, 0, 0],
  ["Sir Rodney's Scones", 8, 3, '24 pkgs. x 4 pieces', '10', 3, 40, 5, 0],
  ["Gustaf's Knäckebröd", 9, 5, '24 - 500 g pkgs.', '21', 104, 0, 25, 0],
  ['Tunnbröd', 9, 5, '12 - 250 g pkgs.', '9', 61, 0, 25, 0],
  ['Guaraná Fantástica', 10, 1, '12 - 355 ml cans', '4.5', 20, 0, 0, 1],
  ['NuNuCa Nuß-Nougat-Creme', 11, 3, '20 - 450 g glasses', '14', 76, 0, 30, 0],
  ['Gumbär Gummibärchen', 11, 3, '100 - 250 g bags', '31.23', 15, 0, 0, 0],
  ['Schoggi Schokolade', 11, 3, '100 - 100 g pieces', '43.9', 49, 0, 30, 0],
  ['Rössle Sauerkraut', 12, 7, '25 - 825 g cans', '45.6', 26, 0, 0, 1],
  ['Thüringer Rostbratwurst', 12, 6, '50 bags x 30 sausgs.', '123.79', 0, 0, 0, 1],
  ['Nord-Ost Matjeshering', 13, 8, '10 - 200 g glasses', '25.89', 10, 0, 15, 0],
  ['Gorgonzola Telino', 14, 4, '12 - 100 g pkgs', '12.5', 0, 70, 20, 0],
  ['Mascarpone Fabioli', 14, 4, '24 - 200 g pkgs.', '32', 9, 40, 25, 0],
  ['Geitost', 15, 4, '500 g', '2.5', 112, 0, 20, 0],
  ['Sasquatch Ale', 16, 1, '24 - 12 oz bottles', '14', 111, 0, 15, 0],
  ['Steeleye Stout', 16, 1, '24 - 12 oz bottles', '18', 20, 0, 15, 0],
  ['Inlagd Sill', 17, 8, '24 - 250 g jars', '19', 112, 0, 20, 0],
  ['Gravad lax', 17, 8, '12 - 500 g pkgs.', '26', 11, 50, 25, 0],
  ['Côte de Blaye', 18, 1, '12 - 75 cl bottles', '263.5', 17, 0, 15, 0],
  ['Chartreuse verte', 18, 1, '750 cc per bottle', '18', 69, 0, 5, 0],
  ['Boston Crab Meat', 19, 8, '24 - 4 oz tins', '18.4', 123, 0, 30, 0],
  ["Jack's New England Clam Chowder", 19, 8, '12 - 12 oz cans', '9.65', 85, 0, 10, 0],
  ['Singaporean Hokkien Fried Mee', 20, 5, '32 - 1 kg pkgs.', '14', 26, 0, 0, 1],
  ['Ipoh Coffee', 20, 1, '16 - 500 g tins', '46', 17, 10, 25, 0],
  ['Gula Malacca', 20, 2, '20 - 2 kg bags', '19.45', 27, 0, 15, 0],
  ['Rogede sild', 21, 8, '1k pkg.', '9.5', 5, 70, 15, 0],
  ['Spegesild', 21, 8, '4 - 450 g glasses', '12', 95, 0, 0, 0],
  ['Zaanse koeken', 22, 3, '10 - 4 oz boxes', '9.5', 36, 0, 0, 0],
  ['Chocolade', 22, 3, '10 pkgs.', '12.75', 15, 70, 25, 0],
  ['Maxilaku', 23, 3, '24 - 50 g pkgs.', '20', 10, 60, 15, 0],
  ['Valkoinen suklaa', 23, 3, '12 - 100 g bars', '16.25', 65, 0, 30, 0],
  ['Manjimup Dried Apples', 24, 7, '50 - 300 g pkgs.', '53', 20, 0, 10, 0],
  ['Filo Mix', 24, 5, '16 - 2 kg boxes', '7', 38, 0, 25, 0],
  ['Perth Pasties', 24, 6, '48 pieces', '32.8', 0, 0, 0, 1],
  ['Tourtière', 25, 6, '16 pies', '7.45', 21, 0, 10, 0],
  ['Pâté chinois', 25, 6, '24 boxes x 2 pies', '24', 115, 0, 20, 0],
  ['Gnocchi di nonna Alice', 26, 5, '24 - 250 g pkgs.', '38', 21, 10, 30, 0],
  ['Ravioli Angelo', 26, 5, '24 - 250 g pkgs.', '19.5', 36, 0, 20, 0],
  ['Escargots de Bourgogne', 27, 8, '24 pieces', '13.25', 62, 0, 20, 0],
  ['Raclette Courdavault', 28, 4, '5 kg pkg.', '55', 79, 0, 0, 0],
  ['Camembert Pierrot', 28, 4, '15 - 300 g rounds', '34', 19, 0, 0, 0],
  ["Sirop d'érable", 29, 2, '24 - 500 ml bottles', '28.5', 113, 0, 25, 0],
  ['Tarte au sucre', 29, 3, '48 pies', '49.3', 17, 0, 0, 0],
  ['Vegie-spread', 7, 2, '15 - 625 g jars', '43.9', 24, 0, 5, 0],
  ['Wimmers gute Semmelknödel', 12, 5, '20 bags x 4 pieces', '33.25', 22, 80, 30, 0],
  ['Louisiana Fiery Hot Pepper Sauce', 2, 2, '32 - 8 oz bottles', '21.05', 76, 0, 0, 0],
  ['Louisiana Hot Spiced Okra', 2, 2, '24 - 8 oz jars', '17', 4, 100, 20, 0],
  ['Laughing Lumberjack Lager', 16, 1, '24 - 12 oz bottles', '14', 52, 0, 10, 0],
  ['Scottish Longbreads', 8, 3, '10 boxes x 8 pieces', '12.5', 6, 10, 15, 0],
  ['Gudbrandsdalsost', 15, 4, '10 kg pkg.', '36', 26, 0, 15, 0],
  ['Outback Lager', 7, 1, '24 - 355 ml bottles', '15', 15, 10, 30, 0],
  ['Flotemysost', 15, 4, '10 - 500 g pkgs.', '21.5', 26, 0, 0, 0],
  ['Mozzarella di Giovanni', 14, 4, '24 - 200 g pkgs.', '34.8', 14, 0, 0, 0],
  ['Röd Kaviar', 17, 8, '24 - 150 g jars', '15', 101, 0, 5, 0],
  ['Longlife Tofu', 4, 7, '5 kg pkg.', '10', 4, 20, 5, 0],
  ['Rhönbräu Klosterbier', 12, 1, '24 - 0.5 l bottles', '7.75', 125, 0, 25, 0],
  ['Lakkalikööri', 23, 1, '500 ml', '18', 57, 0, 20, 0],
  ['Original Frankfurter grüne Soße', 12, 2, '12 boxes', '13', 32, 0, 15, 0],
];

// ---------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------

const FIRST_ORDER_ID = 10248; // classic Northwind numbering
const ORDER_COUNT = 830; // 10248..11077, like the classic data set
const FIRST_DAY = day(2023, 1, 1);
const LAST_DAY = day(2024, 12, 31);
/** Orders before this date may carry the pre-increase (80%) price, so historical prices vary. */
const PRICE_INCREASE_DAY = day(2023, 7, 1);
/** Discontinued products were still sold in 2023 but not afterwards. */
const DISCONTINUED_FROM_DAY = day(2024, 1, 1);
const UNSHIPPED_RATE = 0.06;
const QUANTITIES: readonly number[] = [1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 15, 16, 18, 20, 21, 24, 25, 28, 30, 35, 36, 40, 42, 45, 50, 60, 70];

/** Money line of an order: product, quantity, unit price actually charged, discount (not part of Amount). */
interface Line {
  readonly productId: number;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly discount: number;
}

interface Order {
  readonly id: number;
  readonly customerId: string;
  readonly employeeId: number;
  readonly orderDay: number;
  readonly requiredDay: number;
  readonly shippedDay: number | null;
  readonly shipVia: number;
  readonly freightCents: number;
  readonly lines: readonly Line[];
}

/** ALFKI's orders are fixed by hand so scenarios can rely on them: the unshipped ones total exactly 2102. */
interface HandOrder {
  readonly id: number;
  readonly employeeId: number;
  readonly shipVia: number;
  readonly freight: string;
  /** Days after the order date; null = not yet shipped (counts toward the balance). */
  readonly shipAfterDays: number | null;
  readonly lines: readonly (readonly [productId: number, quantity: number])[];
}

const ALFKI_ORDERS: readonly HandOrder[] = [
  // 15 × 45.60 + 21 × 18 + 2 × 12 = 1086 (shipped)
  {
    id: 10643,
    employeeId: 6,
    shipVia: 1,
    freight: '29.46',
    shipAfterDays: 8,
    lines: [
      [28, 15],
      [39, 21],
      [46, 2],
    ],
  },
  // 20 × 43.90 = 878 (unshipped)
  { id: 10692, employeeId: 4, shipVia: 2, freight: '61.02', shipAfterDays: null, lines: [[63, 20]] },
  // 6 × 10 + 10 × 18 + 2 × 12 = 264 (unshipped)
  {
    id: 10702,
    employeeId: 4,
    shipVia: 1,
    freight: '23.94',
    shipAfterDays: null,
    lines: [
      [3, 6],
      [76, 10],
      [46, 2],
    ],
  },
  // 15 × 55 + 2 × 13 = 851 (shipped)
  {
    id: 10835,
    employeeId: 1,
    shipVia: 3,
    freight: '69.53',
    shipAfterDays: 6,
    lines: [
      [59, 15],
      [77, 2],
    ],
  },
  // 16 × 25 + 2 × 45.60 = 491.20 (shipped)
  {
    id: 10952,
    employeeId: 1,
    shipVia: 1,
    freight: '40.42',
    shipAfterDays: 8,
    lines: [
      [6, 16],
      [28, 2],
    ],
  },
  // 40 × 13.25 + 20 × 21.50 = 960 (unshipped)
  {
    id: 11011,
    employeeId: 3,
    shipVia: 1,
    freight: '1.21',
    shipAfterDays: null,
    lines: [
      [58, 40],
      [71, 20],
    ],
  },
];
const ALFKI_CREDIT_LIMIT_CENTS = 230_000;
const ALFKI_BALANCE_CENTS = 210_200;

function productPriceCents(productId: number): number {
  return toCents(at(PRODUCTS, productId - 1)[4]);
}

/** Order dates rise with the id, spread evenly over 2023–2024 (as in the classic data). */
function orderDayFor(id: number): number {
  const index = id - FIRST_ORDER_ID;
  return FIRST_DAY + Math.floor((index * (LAST_DAY - FIRST_DAY + 1)) / ORDER_COUNT);
}

function handOrder(spec: HandOrder): Order {
  const orderDay = orderDayFor(spec.id);
  return {
    id: spec.id,
    customerId: 'ALFKI',
    employeeId: spec.employeeId,
    orderDay,
    requiredDay: orderDay + 28,
    shippedDay: spec.shipAfterDays === null ? null : orderDay + spec.shipAfterDays,
    shipVia: spec.shipVia,
    freightCents: toCents(spec.freight),
    lines: spec.lines.map(([productId, quantity]) => ({ productId, quantity, unitPriceCents: productPriceCents(productId), discount: 0 })),
  };
}

/** Usually today's price; early orders sometimes carry the old (80%) price, as real history would. */
function chargedPriceCents(rng: Rng, productId: number, orderDay: number): number {
  const current = productPriceCents(productId);
  const useOldPrice = orderDay < PRICE_INCREASE_DAY ? rng() < 0.6 : rng() < 0.03;
  return useOldPrice ? Math.round((current * 4) / 5) : current;
}

function randomDiscount(rng: Rng): number {
  const roll = rng();
  if (roll < 0.02) return 0.1;
  if (roll < 0.06) return 0.05;
  return 0;
}

function randomLines(rng: Rng, orderDay: number): Line[] {
  const allIds = PRODUCTS.map((_, index) => index + 1);
  const sellable = orderDay < DISCONTINUED_FROM_DAY ? allIds : allIds.filter((id) => at(PRODUCTS, id - 1)[8] === 0);
  return pickDistinct(rng, sellable, randInt(rng, 1, 5)).map((productId) => ({
    productId,
    quantity: pick(rng, QUANTITIES),
    unitPriceCents: chargedPriceCents(rng, productId, orderDay),
    discount: randomDiscount(rng),
  }));
}

/** Shipped 1–30 days after ordering, unless randomly still open or the ship date would fall past 2024. */
function randomShippedDay(rng: Rng, orderDay: number): number | null {
  const shippedDay = orderDay + randInt(rng, 1, 30);
  const stillOpen = rng() < UNSHIPPED_RATE;
  return stillOpen || shippedDay > LAST_DAY ? null : shippedDay;
}

function randomOrder(rng: Rng, id: number, customerIds: readonly string[]): Order {
  const orderDay = orderDayFor(id);
  return {
    id,
    customerId: pick(rng, customerIds),
    employeeId: randInt(rng, 1, EMPLOYEES.length),
    orderDay,
    requiredDay: orderDay + pick(rng, [14, 28, 28, 28, 42]),
    shippedDay: randomShippedDay(rng, orderDay),
    shipVia: randInt(rng, 1, SHIPPERS.length),
    freightCents: Math.floor(rng() * rng() * 50_000) + 2, // skewed toward small freight, up to ~500
    lines: randomLines(rng, orderDay),
  };
}

function buildOrders(rng: Rng): Order[] {
  const handById = new Map(ALFKI_ORDERS.map((spec) => [spec.id, spec]));
  // ALFKI gets only its hand-made orders, so its balance is exactly as designed.
  const otherCustomers = CUSTOMERS.map((c) => c[0]).filter((id) => id !== 'ALFKI');
  const orders: Order[] = [];
  for (let id = FIRST_ORDER_ID; id < FIRST_ORDER_ID + ORDER_COUNT; id++) {
    const spec = handById.get(id);
    orders.push(spec ? handOrder(spec) : randomOrder(rng, id, otherCustomers));
  }
  return orders;
}

// ---------------------------------------------------------------------------------------------
// Derived columns — the same sums the rules maintain, computed here in integer cents
// ---------------------------------------------------------------------------------------------

const lineAmountCents = (line: Line): number => line.quantity * line.unitPriceCents;
const orderTotalCents = (order: Order): number => order.lines.reduce((sum, line) => sum + lineAmountCents(line), 0);

interface CustomerTotals {
  balanceCents: number;
  orderCount: number;
  unpaidOrderCount: number;
}

function customerTotals(orders: readonly Order[]): Map<string, CustomerTotals> {
  const totals = new Map<string, CustomerTotals>(CUSTOMERS.map((c) => [c[0], { balanceCents: 0, orderCount: 0, unpaidOrderCount: 0 }]));
  for (const order of orders) {
    const t = totals.get(order.customerId);
    if (!t) throw new Error(`unknown customer ${order.customerId}`);
    t.orderCount += 1;
    if (order.shippedDay === null) {
      t.unpaidOrderCount += 1;
      t.balanceCents += orderTotalCents(order);
    }
  }
  return totals;
}

/** UnitsShipped counts only shipped lines (the detail's ShippedDate mirrors its order's). */
function unitsShipped(orders: readonly Order[]): Map<number, number> {
  const shipped = new Map<number, number>();
  for (const order of orders) {
    if (order.shippedDay === null) continue;
    for (const line of order.lines) shipped.set(line.productId, (shipped.get(line.productId) ?? 0) + line.quantity);
  }
  return shipped;
}

/** A random round limit, raised to the next thousand when the open balance would exceed it. */
function creditLimitCents(rng: Rng, customerId: string, balanceCents: number): number {
  if (customerId === 'ALFKI') return ALFKI_CREDIT_LIMIT_CENTS;
  const drawn = randInt(rng, 2, 20) * 50_000; // 1000 .. 10000 in steps of 500
  return Math.max(drawn, Math.ceil(balanceCents / 100_000) * 100_000);
}

// ---------------------------------------------------------------------------------------------
// Statements per table (FK-safe order)
// ---------------------------------------------------------------------------------------------

function categoryInserts(): string[] {
  return CATEGORIES.map(([name, description], i) => insert('Category', { Id: i + 1, CategoryName: name, Description: description }));
}

function supplierInserts(): string[] {
  return SUPPLIERS.map(([company, contact, title, address, city, region, postalCode, country, phone], i) =>
    insert('Supplier', {
      Id: i + 1,
      CompanyName: company,
      ContactName: contact,
      ContactTitle: title,
      Address: address,
      City: city,
      Region: region,
      PostalCode: postalCode,
      Country: country,
      Phone: phone,
      Fax: null,
      HomePage: null,
    }),
  );
}

function shipperInserts(): string[] {
  return SHIPPERS.map(([company, phone], i) => insert('Shipper', { Id: i + 1, CompanyName: company, Phone: phone }));
}

function customerInserts(rng: Rng, orders: readonly Order[]): string[] {
  const totals = customerTotals(orders);
  return CUSTOMERS.map(([id, company, contact, title, address, city, region, postalCode, country, phone, fax]) => {
    const t = totals.get(id);
    if (!t) throw new Error(`no totals for ${id}`);
    return insert('Customer', {
      Id: id,
      CompanyName: company,
      ContactName: contact,
      ContactTitle: title,
      Address: address,
      City: city,
      Region: region,
      PostalCode: postalCode,
      Country: country,
      Phone: phone,
      Fax: fax,
      Balance: money(t.balanceCents),
      CreditLimit: money(creditLimitCents(rng, id, t.balanceCents)),
      OrderCount: t.orderCount,
      UnpaidOrderCount: t.unpaidOrderCount,
    });
  });
}

function employeeInserts(): string[] {
  return EMPLOYEES.map((e, i) =>
    insert('Employee', {
      Id: i + 1,
      LastName: e.lastName,
      FirstName: e.firstName,
      Title: e.title,
      TitleOfCourtesy: e.courtesy,
      BirthDate: e.birthDate,
      HireDate: e.hireDate,
      Address: e.address,
      City: e.city,
      Region: e.region,
      PostalCode: e.postalCode,
      Country: e.country,
      HomePhone: e.homePhone,
      Extension: e.extension,
      Notes: e.notes,
      ReportsTo: e.reportsTo,
      Salary: money(toCents(e.salary)),
    }),
  );
}

function productInserts(orders: readonly Order[]): string[] {
  const shipped = unitsShipped(orders);
  return PRODUCTS.map(([name, supplierId, categoryId, qpu, price, inStock, onOrder, reorder, discontinued], i) =>
    insert('Product', {
      Id: i + 1,
      ProductName: name,
      SupplierId: supplierId,
      CategoryId: categoryId,
      QuantityPerUnit: qpu,
      UnitPrice: money(toCents(price)),
      UnitsInStock: inStock,
      UnitsOnOrder: onOrder,
      ReorderLevel: reorder,
      Discontinued: discontinued,
      UnitsShipped: shipped.get(i + 1) ?? 0,
    }),
  );
}

function customerById(id: string): CustomerRow {
  const customer = CUSTOMERS.find((c) => c[0] === id);
  if (!customer) throw new Error(`unknown customer ${id}`);
  return customer;
}

function orderInserts(orders: readonly Order[]): string[] {
  return orders.map((o) => {
    const [, company, , , address, city, region, postalCode, country] = customerById(o.customerId);
    return insert('Order', {
      Id: o.id,
      CustomerId: o.customerId,
      EmployeeId: o.employeeId,
      OrderDate: isoDate(o.orderDay),
      RequiredDate: isoDate(o.requiredDay),
      ShippedDate: o.shippedDay === null ? null : isoDate(o.shippedDay),
      ShipVia: o.shipVia,
      Freight: money(o.freightCents),
      ShipName: company,
      ShipAddress: address,
      ShipCity: city,
      ShipRegion: region,
      ShipPostalCode: postalCode,
      ShipCountry: country,
      AmountTotal: money(orderTotalCents(o)),
      Ready: 1,
      OrderDetailCount: o.lines.length,
      CloneFromOrder: null,
    });
  });
}

function orderDetailInserts(orders: readonly Order[]): string[] {
  let nextId = 1;
  return orders.flatMap((o) =>
    o.lines.map((line) =>
      insert('OrderDetail', {
        Id: nextId++,
        OrderId: o.id,
        ProductId: line.productId,
        UnitPrice: money(line.unitPriceCents),
        Quantity: line.quantity,
        Discount: line.discount,
        Amount: money(lineAmountCents(line)),
        ShippedDate: o.shippedDay === null ? null : isoDate(o.shippedDay),
      }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Sanity checks on the designed invariants, then write the file
// ---------------------------------------------------------------------------------------------

function assertDesign(orders: readonly Order[]): void {
  const alfki = customerTotals(orders).get('ALFKI');
  if (alfki?.balanceCents !== ALFKI_BALANCE_CENTS)
    throw new Error(`ALFKI balance is ${alfki?.balanceCents ?? '?'} cents, expected ${ALFKI_BALANCE_CENTS}`);
  if (!orders.some((o) => o.id === 10643 && o.customerId === 'ALFKI')) throw new Error('order 10643 must belong to ALFKI');
  if (PRODUCTS.length !== 77) throw new Error(`expected 77 products, got ${PRODUCTS.length}`);
  for (const o of orders) {
    if (o.shippedDay !== null && o.shippedDay > LAST_DAY) throw new Error(`order ${o.id} ships after 2024`);
  }
}

/**
 * A login for every customer (the rowUsers of security/grants.ts): the password "p", each with a
 * salt of its own from a seeded stream — the hashes differ, and the file is the same every run.
 * Computed in scrypt's thread pool, several at once.
 */
async function credentialInserts(rng: Rng): Promise<string[]> {
  const salt = () => {
    const bytes = Buffer.alloc(16);
    for (let i = 0; i < 16; i += 4) bytes.writeUInt32BE(Math.floor(rng() * 2 ** 32), i);
    return bytes;
  };
  const salts = CUSTOMERS.map(salt);
  const hashes = await Promise.all(CUSTOMERS.map((c, i) => hashPassword('p', undefined, at(salts, i))));
  return CUSTOMERS.map((c, i) =>
    insert(USERS_TABLE, { name: c[0], password_hash: at(hashes, i), token_version: 0, attributes: '{}', updated_at: null }),
  );
}

function section(title: string, statements: readonly string[]): string[] {
  return ['', `-- ${title} (${statements.length})`, ...statements];
}

async function main(): Promise<void> {
  // One stream per concern, so changing e.g. credit limits does not reshuffle every order.
  const orderRng = mulberry32(SEED);
  const creditRng = mulberry32(SEED ^ 0x5eed);
  const saltRng = mulberry32(SEED ^ 0x5a17);
  const orders = buildOrders(orderRng);
  assertDesign(orders);

  const lines = [
    '-- Northwind seed data. GENERATED by scripts/gen-northwind-seed.ts — do not edit by hand; re-run the script.',
    '-- Derived columns (Amount, AmountTotal, OrderDetailCount, Balance, OrderCount, UnpaidOrderCount, UnitsShipped)',
    '-- already hold the values the rules compute.',
    'BEGIN;',
    ...section('Category', categoryInserts()),
    ...section('Supplier', supplierInserts()),
    ...section('Shipper', shipperInserts()),
    ...section('Customer', customerInserts(creditRng, orders)),
    ...section('Employee', employeeInserts()),
    ...section('Product', productInserts(orders)),
    ...section('Order', orderInserts(orders)),
    ...section('OrderDetail', orderDetailInserts(orders)),
    '',
    '-- EmployeeAudit: intentionally empty (filled by the audit rule as employees change).',
    '',
    `-- ${USERS_TABLE}: alsx's credentials table. Every customer logs in with the password "p", each hash salted`,
    '-- differently; `alsx users set-password projects/northwind ALFKI` gives one a password of its own.',
    ...section(USERS_TABLE, await credentialInserts(saltRng)),
    '',
    'COMMIT;',
    '',
  ];
  writeFileSync(OUTPUT, lines.join('\n'), 'utf8');
  console.log(`wrote ${OUTPUT}: ${orders.length} orders, ${orders.reduce((n, o) => n + o.lines.length, 0)} order details`);
}

await main();
