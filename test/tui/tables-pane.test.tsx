/**
 * The Tables pane at 80×21 (24 rows less the workbench's own lines) without colour: the table list
 * with counts, rows, a row's detail with parents by name, walking Customer → OrderList → Order →
 * OrderDetailList and back, sort, filter, 100 000 rows, and writes through the real API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { render } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchContext } from '../../src/tui/pane.js';
import { ApiClient } from '../../src/tui/tables/api-client.js';
import { TableSource } from '../../src/tui/tables/source.js';
import { TablesPane } from '../../src/tui/tables/TablesPane.js';
import { rowSecurity } from '../../src/tui/tables/row-security.js';
import { Session } from '../../src/tui/session.js';
import { startApi, type TestApi } from '../helpers/api.js';
import { settle } from '../helpers/ink.js';
import { freshNorthwind } from '../helpers/northwind.js';
import { eventually } from '../helpers/wait.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

const WIDTH = 80;
const HEIGHT = 21;
const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  esc: '\u001B',
  backspace: '\u007F',
  ctrlU: '\u0015',
  ctrlS: '\u0013',
};

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
let source: TableSource;
let app: ReturnType<typeof render> | undefined;
const notes: string[] = [];
const capturing: boolean[] = [];

beforeAll(async () => {
  nw = await freshNorthwind();
  source = new TableSource(nw.file);
});
afterEach(() => {
  app?.unmount();
  app = undefined;
  notes.length = 0;
  capturing.length = 0;
});
afterAll(() => {
  source?.close();
  nw?.dispose();
});

function mount(src: TableSource, api?: ApiClient, width = WIDTH, height = HEIGHT) {
  app = render(
    <WorkbenchContext.Provider
      value={{ setCapturing: (on) => void capturing.push(on), setHints: () => {}, notify: (m) => void notes.push(m), color: false }}
    >
      <TablesPane width={width} height={height} focused source={src} api={api} pollMs={0} />
    </WorkbenchContext.Provider>,
  );
  return app;
}

/** each key once the previous one's effects have run: a person's keys, however busy the machine */
async function press(...keys: string[]) {
  for (const k of keys) {
    await settle();
    app!.stdin.write(k);
  }
  await settle();
}
/** text typed in one go, as fast as keys can come */
async function type(text: string) {
  await settle();
  for (const ch of text) app!.stdin.write(ch);
  await settle();
}
/** retries the assertions until the screen shows what they expect (some keys wait on the database or the API) */
const until = (check: () => void) => eventually(check, { what: 'the pane to show it', detail: () => frame() });
const frame = () => app!.lastFrame() ?? '';
const lines = () => frame().split('\n');
/** the table list's entry (downs from Category) */
const at = (table: string) =>
  ['Category', 'Customer', 'Employee', 'EmployeeAudit', 'Order', 'OrderDetail', 'Product', 'Shipper', 'Supplier'].indexOf(table);

describe('the Tables pane', () => {
  it('lists every table with its row count, within 80×21', async () => {
    mount(source);
    await until(() => {
      expect(frame()).toMatch(/› Category\s+8│/);
      expect(frame()).toMatch(/ Customer\s+47│/);
      expect(frame()).toMatch(/ OrderDetail\s+2480│/);
      expect(lines().length).toBeLessThanOrEqual(HEIGHT);
      for (const l of lines()) expect([...l].length).toBeLessThanOrEqual(WIDTH);
    });
  });

  it("opens Customer's rows, the cursor marked › without colour", async () => {
    mount(source);
    await press(KEY.down, KEY.enter);
    await until(() => {
      expect(lines()[0]).toBe('Customer');
      expect(frame()).toMatch(/^› ALFKI\s+Alfreds Futterkiste/m);
      expect(frame()).toContain('row 1/47');
    });
    await press('j');
    await until(() => {
      expect(frame()).toMatch(/^› ANATR/m);
    });
    await press('G');
    await until(() => {
      expect(frame()).toContain('row 47/47');
      expect(frame()).toMatch(/^› WOLZA/m);
    });
    await press('g');
    await until(() => {
      expect(frame()).toMatch(/^› ALFKI/m);
    });
  });

  it("shows an OrderDetail's product by name", async () => {
    const first = sqliteDb(nw)
      .prepare('SELECT d.Id, d.ProductId, p.ProductName FROM OrderDetail d JOIN Product p ON p.Id = d.ProductId ORDER BY d.Id LIMIT 1')
      .get() as { Id: number; ProductId: number; ProductName: string };
    mount(source);
    await press(...Array(at('OrderDetail')).fill(KEY.down), KEY.enter, KEY.enter);
    await until(() => {
      expect(lines()[0]).toBe(`OrderDetail ${first.Id}`);
      expect(frame()).toMatch(new RegExp(`ProductId\\s+${first.ProductId}  → ${first.ProductName}`));
      expect(frame()).toMatch(/OrderId\s+\d+ {2}→ Order/);
    });
  });

  it('walks Customer → OrderList → an order → OrderDetailList, and back', async () => {
    mount(source);
    await press(KEY.down, KEY.enter, KEY.enter);
    await until(() => {
      expect(lines()[0]).toBe('Customer ALFKI');
      expect(frame()).toContain('Customer ALFKI · Alfreds Futterkiste');
      expect(frame()).toMatch(/^› ↳ OrderList \(6\)/m);
    });
    await press(KEY.enter);
    await until(() => {
      expect(lines()[0]).toBe('Customer ALFKI › OrderList');
      expect(frame()).toContain('row 1/6');
      expect(frame()).toMatch(/^› 10643/m);
    });
    await press(KEY.enter);
    await until(() => {
      expect(lines()[0]).toBe('Customer ALFKI › OrderList › Order 10643');
      expect(frame()).toMatch(/^› ↳ OrderDetailList \(3\)/m);
      expect(frame()).toMatch(/CustomerId\s+ALFKI {2}→ Alfreds Futterkiste/);
    });
    await press(KEY.enter);
    await until(() => {
      expect(lines()[0]).toBe('Customer ALFKI › OrderList › Order 10643 › OrderDetailList');
      expect(frame()).toContain('row 1/3');
    });
    await press(KEY.enter);
    await until(() => {
      expect(frame()).toMatch(/ProductId\s+28 {2}→ Rössle Sauerkraut/);
    });
    // …and back up, one step per esc (backspace too)
    await press(KEY.esc);
    await until(() => {
      expect(lines()[0]).toBe('Customer ALFKI › OrderList › Order 10643 › OrderDetailList');
    });
    await press(KEY.backspace, KEY.esc);
    await until(() => {
      expect(lines()[0]).toBe('Customer ALFKI › OrderList');
    });
    await press(KEY.esc, KEY.esc);
    await until(() => {
      expect(lines()[0]).toBe('Customer');
      expect(frame()).toMatch(/^› ALFKI/m);
    });
    await press(KEY.esc);
    await until(() => {
      expect(frame()).toMatch(/› Customer\s+47│/); // the table list has the keys again
    });
  });

  it("opens a parent from a child's detail", async () => {
    mount(source);
    await press(...Array(at('Order')).fill(KEY.down), KEY.enter, KEY.enter);
    // items: OrderDetailList, OrderList (clones), then the fields: Id, CustomerId …
    await press('j', 'j', 'j', KEY.enter);
    const c = sqliteDb(nw)
      .prepare('SELECT c.Id, c.CompanyName FROM "Order" o JOIN Customer c ON c.Id = o.CustomerId WHERE o.Id = 10248')
      .get() as { Id: string; CompanyName: string };
    await until(() => {
      expect(lines()[0]).toBe(`Order 10248 › Customer ${c.Id}`);
      expect(frame()).toContain(`Customer ${c.Id} · ${c.CompanyName}`);
    });
  });

  it('sorts by the current column: ascending, descending, off', async () => {
    mount(source);
    await press(KEY.down, KEY.enter, KEY.right);
    await until(() => {
      expect(frame()).toMatch(/\[CompanyName\]/); // the current column, marked without colour
    });
    await press('s');
    await until(() => {
      expect(frame()).toContain('sort CompanyName ↑');
      expect(frame()).toMatch(/^› ALFKI\s+Alfreds Futterkiste/m);
    });
    await press('s');
    await until(() => {
      expect(frame()).toContain('sort CompanyName ↓');
      expect(frame()).toMatch(/^› WOLZA\s+Wolski/m);
    });
    await press('s');
    await until(() => {
      expect(frame()).not.toContain('sort CompanyName');
      expect(frame()).toMatch(/^› ALFKI/m);
    });
  });

  it('filters as typed, names an unknown column and keeps the text', async () => {
    mount(source);
    await press(KEY.down, KEY.enter, '/');
    await until(() => {
      expect(capturing.at(-1)).toBe(true);
    });
    await type('Contry=Germany');
    await press(KEY.enter);
    await until(() => {
      expect(frame()).toContain('filter: Contry=Germany');
      expect(frame()).toContain('✘ Customer has no column "Contry" — did you mean Country?');
    });
    await press(KEY.ctrlU);
    await type('Country=Germany');
    await press(KEY.enter);
    await until(() => {
      expect(capturing.at(-1)).toBe(false);
      expect(frame()).toContain('row 1/6 · filter Country=Germany');
      expect(lines()[0]).toBe('Customer [Country=Germany]');
    });
    await press('/', KEY.ctrlU, KEY.enter);
    await until(() => {
      expect(frame()).toContain('row 1/47');
    });
  });

  it('takes only the table list at 80 columns once rows have the keys, the grid the whole width', async () => {
    mount(source);
    await press(KEY.down);
    await until(() => {
      expect(frame()).toContain('│');
    });
    await press(KEY.enter);
    await until(() => {
      expect(frame()).toContain('row 1/47');
      expect(frame()).not.toContain('│');
    });
    mount(source, undefined, 120, 30);
    await press(KEY.down, KEY.enter);
    await until(() => {
      expect(frame()).toMatch(/Customer\s+47│/);
    });
  });

  it('takes keys that arrive together, each seeing what the one before it did', async () => {
    mount(source);
    await press(KEY.down + KEY.down + KEY.enter); // one chunk: Employee's rows
    await until(() => {
      expect(lines()[0]).toBe('Employee');
    });
    await press(KEY.down + KEY.down + KEY.down + KEY.enter);
    await until(() => {
      expect(lines()[0]).toBe('Employee 4');
    });
  });

  it('marks the selection with › when colour is on too', async () => {
    app = render(
      <WorkbenchContext.Provider value={{ setCapturing() {}, setHints() {}, notify() {}, color: true }}>
        <TablesPane width={WIDTH} height={HEIGHT} focused source={source} pollMs={0} />
      </WorkbenchContext.Provider>,
    );
    await press(KEY.down, KEY.enter);
    await until(() => {
      expect(frame()).toMatch(/› ALFKI/);
    });
  });

  it('notices commits from other processes', async () => {
    const local = new TableSource(nw.file);
    try {
      app = render(
        <WorkbenchContext.Provider value={{ setCapturing() {}, setHints() {}, notify() {}, color: false }}>
          <TablesPane width={WIDTH} height={HEIGHT} focused source={local} pollMs={20} />
        </WorkbenchContext.Provider>,
      );
      const before = local.count('Shipper');
      await until(() => {
        expect(frame()).toMatch(new RegExp(`Shipper\\s+${before}│`));
      });
      nw.engine.run([{ insert: 'Shipper', values: { CompanyName: 'Fast Freight' } }], { origin: 'test' });
      await until(() => expect(frame()).toMatch(new RegExp(`Shipper\\s+${before + 1}│`)));
    } finally {
      app?.unmount();
      app = undefined;
      local.close();
    }
  });

  it('is read-only without an API, and says so', async () => {
    mount(source);
    await press(KEY.down, KEY.enter, 'e');
    await until(() => {
      expect(notes.at(-1)).toMatch(/read-only/);
    });
  });
});

describe('100 000 rows', () => {
  let dir: string;
  let big: TableSource;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alsx-big-pane-'));
    const db = new Database(join(dir, 'big.sqlite'));
    db.exec('CREATE TABLE Item (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Amount DECIMAL(10,2))');
    const insert = db.prepare('INSERT INTO Item (Id, Name, Amount) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= 100_000; i++) insert.run(i, `item ${String((i * 7919) % 100_000).padStart(6, '0')}`, i / 100);
    })();
    db.close();
    big = new TableSource(join(dir, 'big.sqlite'));
  });
  afterAll(() => {
    big?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('jumps to the last row, pages, and sorts', async () => {
    mount(big);
    await press(KEY.enter, 'G');
    await until(() => {
      expect(frame()).toContain('row 100000/100000');
      expect(frame()).toMatch(/^› 100000 item 000000\s+1000.00/m);
    });
    await press('\u001B[5~');
    await until(() => {
      expect(frame()).toMatch(/row 999\d\d\/100000/);
    });
    await press('g', KEY.right, 's', 'G');
    await until(() => {
      expect(frame()).toMatch(/^›\s+\d+ item 099999/m);
      expect(lines().length).toBeLessThanOrEqual(HEIGHT);
    });
  });
});

describe('writes through the API', () => {
  let api: TestApi;
  let apiSource: TableSource;
  beforeAll(async () => {
    api = await startApi();
    apiSource = new TableSource(api.nw.file);
  });
  afterAll(async () => {
    apiSource?.close();
    await api?.close();
  });
  const client = () => new ApiClient({ base: api.base.replace(/\/api$/, ''), user: 'admin', password: 'p' });

  it("shows a rule's refusal inline, keeps what was typed, and saves once corrected", async () => {
    mount(apiSource, client());
    await press(KEY.down, KEY.enter, 'e');
    await until(() => {
      expect(capturing.at(-1)).toBe(true);
      expect(frame()).toContain('Edit Customer ALFKI · Alfreds Futterkiste');
    });
    // the cursor starts on CompanyName; CreditLimit is 11 fields below
    await press(...Array(11).fill(KEY.down));
    await until(() => {
      expect(frame()).toMatch(/^› CreditLimit\s+\[2300.00▏\]/m);
    });
    await press(KEY.ctrlU);
    await type('1');
    await press(KEY.ctrlS);
    await until(() => expect(frame()).toContain('✘ refused by Customer: Balance <= CreditLimit'));
    expect(frame()).toContain('balance (2102.00) exceeds credit (1.00)');
    expect(frame()).toMatch(/CreditLimit\s+\[1▏\]/);
    await type('0000');
    await press(KEY.ctrlS);
    await until(() => {
      expect(notes.at(-1)).toBe('Customer ALFKI saved');
      expect(capturing.at(-1)).toBe(false); // the form is gone
    });
    expect(api.nw.row('Customer', 'ALFKI')!.CreditLimit).toBe(10000);
    await press(KEY.enter);
    await until(() => {
      expect(frame()).toMatch(/CreditLimit\s+10000.00/);
    });
  });

  it("adds an order to a customer's OrderList, the key filled in", async () => {
    mount(apiSource, client());
    await press(KEY.down, KEY.enter, 'j', KEY.enter, KEY.enter); // ANATR › OrderList
    const before = apiSource.count('Order', '', { CustomerId: 'ANATR' });
    await until(() => {
      expect(frame()).toContain(`row 1/${before}`);
    });
    await press('a');
    await until(() => {
      expect(frame()).toContain('New Order (OrderList)');
    });
    // Id is generated: the cursor starts on CustomerId, filled in from the list
    await until(() => {
      expect(frame()).toMatch(/^› CustomerId\s+\[ANATR▏\] → Ana Trujillo/m);
    });
    await press(KEY.down);
    await until(() => {
      expect(frame()).toMatch(/^› EmployeeId\s+\[▏\]/m);
    });
    await type('5');
    await until(() => {
      expect(frame()).toMatch(/EmployeeId\s+\[5▏\] → Steven Buchanan/);
    });
    await press(KEY.ctrlS);
    await until(() => expect(notes.at(-1)).toMatch(/^Order \d+ created$/));
    // the cursor on the order just created, the last of ANATR's
    const id = /^Order (\d+) created$/.exec(notes.at(-1)!)![1];
    await until(() => {
      expect(frame()).toContain(`row ${before + 1}/${before + 1}`);
      expect(frame()).toMatch(new RegExp(`^› ${id} +ANATR`, 'm'));
    });
  });

  it('selects the row just created in a long table, scrolled to it, and in the sort in use', async () => {
    mount(apiSource, client());
    await press(...Array(at('Order')).fill(KEY.down), KEY.enter);
    const total = apiSource.count('Order');
    await until(() => expect(frame()).toContain(`row 1/${total}`));
    await press('a');
    await until(() => expect(frame()).toMatch(/^› CustomerId\s+\[▏\]/m));
    await type('BERGS');
    await press(KEY.down);
    await type('5');
    await press(KEY.ctrlS);
    await until(() => expect(notes.at(-1)).toMatch(/^Order \d+ created$/));
    const id = /^Order (\d+) created$/.exec(notes.at(-1)!)![1];
    await until(() => {
      expect(frame()).toContain(`row ${total + 1}/${total + 1}`);
      expect(frame()).toMatch(new RegExp(`^› ${id} +BERGS`, 'm'));
    });
    // sorted by CustomerId, the next BERGS order lands among BERGS's, after the one before it
    await press('l', 's');
    await until(() => expect(frame()).toContain('sort CustomerId ↑'));
    await press('a');
    await until(() => expect(frame()).toMatch(/^› CustomerId\s+\[▏\]/m));
    await type('BERGS');
    await press(KEY.down);
    await type('5');
    await press(KEY.ctrlS);
    await until(() => expect(notes.at(-1)).not.toBe(`Order ${id} created`));
    const second = /^Order (\d+) created$/.exec(notes.at(-1)!)![1];
    const position = apiSource.count('Order', 'CustomerId<BERGS') + apiSource.count('Order', 'CustomerId=BERGS');
    await until(() => {
      expect(frame()).toContain(`row ${position}/${total + 2}`);
      expect(frame()).toMatch(new RegExp(`^› ${second} +BERGS`, 'm'));
    });
  });

  it('refuses to delete a customer with orders, inline', async () => {
    mount(apiSource, client());
    await press(KEY.down, KEY.enter, 'd');
    await until(() => {
      expect(frame()).toContain('Delete Customer ALFKI · Alfreds Futterkiste? y deletes');
    });
    await press('y');
    await until(() => expect(frame()).toContain('✘ refused by Order.CustomerId → Customer'));
    expect(frame()).toMatch(/Customer ALFKI is still referenced by/);
    expect(lines().length).toBeLessThanOrEqual(HEIGHT);
    expect(apiSource.count('Customer')).toBe(47);
  });
});

describe('as the user logged in (:login ALFKI)', () => {
  let api: TestApi;
  let alfki: TableSource;
  let session: Session;
  beforeAll(async () => {
    api = await startApi();
    alfki = new TableSource(api.nw.file);
    session = await Session.open(api.nw);
    await session.loginAs('ALFKI');
    alfki.viewAs(rowSecurity(session.scope()!));
  });
  afterAll(async () => {
    alfki?.close();
    await api?.close();
  });
  const client = () => new ApiClient({ base: api.base.replace(/\/api$/, ''), user: 'ALFKI', password: 'p' });
  const alfkiOrders = () => api.nw.store.all(`SELECT count(*) AS n FROM "Order" WHERE CustomerId = 'ALFKI'`)[0]!.n as number;
  const alfkiItems = () =>
    api.nw.store.all(`SELECT count(*) AS n FROM OrderDetail d JOIN "Order" o ON o.Id = d.OrderId WHERE o.CustomerId = 'ALFKI'`)[0]!
      .n as number;

  it('counts only the rows the API lets ALFKI read: their customer, orders and items; the catalog whole', async () => {
    mount(alfki);
    await until(() => {
      expect(frame()).toMatch(/ Customer\s+1│/);
      expect(frame()).toMatch(new RegExp(` Order\\s+${alfkiOrders()}│`));
      expect(frame()).toMatch(new RegExp(` OrderDetail\\s+${alfkiItems()}│`));
      expect(frame()).toMatch(/ Product\s+77│/);
      expect(frame()).toMatch(/ EmployeeAudit\s+0│/); // not granted: no rows at all
    });
    await press(KEY.down, KEY.enter);
    await until(() => {
      expect(frame()).toContain('row 1/1');
      expect(frame()).toMatch(/^› ALFKI +Alfreds Futterkiste/m);
    });
    expect(frame()).not.toContain('ANATR');
    // filtering cannot reach another customer's rows either
    await press('/');
    await type('Id=ANATR');
    await press(KEY.enter);
    await until(() => expect(frame()).toContain('no rows match Id=ANATR'));
  });

  it("shows ALFKI's detail with only their orders, and another customer's order as a row that is not there", async () => {
    mount(alfki);
    await press(KEY.down, KEY.enter, KEY.enter);
    await until(() => expect(frame()).toMatch(new RegExp(`OrderList \\(${alfkiOrders()}\\)`)));
    // an item of ANATR's order, by its key: the API answers 404, the pane "not there"
    const anatrOrder = api.nw.store.all(`SELECT Id FROM "Order" WHERE CustomerId = 'ANATR' LIMIT 1`)[0]!.Id as number;
    expect(alfki.detail('Order', { Id: anatrOrder })).toBeUndefined();
    expect((await api.req('GET', `/Order/${anatrOrder}`, { token: await api.login('ALFKI') })).status).toBe(404);
    const item = api.nw.store.all(`SELECT Id FROM OrderDetail WHERE OrderId = ?`, [anatrOrder])[0]!.Id as number;
    expect(alfki.detail('OrderDetail', { Id: item })).toBeUndefined();
  });

  it('edits only what ALFKI may set, and creates their order through the API, selected', async () => {
    mount(alfki, client());
    await press(KEY.down, KEY.enter, 'e');
    await until(() => expect(frame()).toContain('Edit Customer ALFKI · Alfreds Futterkiste'));
    await press(...Array(11).fill(KEY.down));
    await until(() => expect(frame()).toMatch(/CreditLimit\s+2300.00 \(ALFKI may not set it\)/));
    await press(KEY.esc, KEY.enter, KEY.enter); // the form closed: ALFKI's detail, their OrderList
    const before = alfkiOrders();
    await until(() => expect(frame()).toContain(`row 1/${before}`));
    await press('a');
    await until(() => expect(frame()).toMatch(/^› CustomerId\s+\[ALFKI▏\]/m));
    await press(KEY.down);
    await type('5');
    await press(KEY.ctrlS);
    await until(() => expect(notes.at(-1)).toMatch(/^Order \d+ created$/));
    const id = /^Order (\d+) created$/.exec(notes.at(-1)!)![1];
    await until(() => {
      expect(frame()).toContain(`row ${before + 1}/${before + 1}`);
      expect(frame()).toMatch(new RegExp(`^› ${id} +ALFKI`, 'm'));
    });
  });

  it(":logout returns to the workbench's own user (admin): everything again, and saves that are admin's", async () => {
    const source = new TableSource(api.nw.file);
    try {
      source.viewAs(rowSecurity(session.scope()!));
      expect(source.count('Customer')).toBe(1);
      expect(await session.logout()).toBe('admin');
      expect(session.user).toBe('admin');
      expect(session.headers().Authorization).toMatch(/^Bearer /);
      source.viewAs(session.scope() && rowSecurity(session.scope()!));
      expect(source.count('Customer')).toBe(47);
    } finally {
      source.close();
      await session.loginAs('ALFKI');
    }
  });
});
