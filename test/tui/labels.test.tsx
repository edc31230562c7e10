/** Field names in a row's detail and form: whole when there is room, else visibly cut with "…". */
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetailView } from '../../src/tui/tables/DetailView.js';
import { RowForm } from '../../src/tui/tables/RowForm.js';
import { TableSource } from '../../src/tui/tables/source.js';
import { scratchDb } from '../helpers/scratch-db.js';

// classicmodels' customers, whose longest name is cut at 20 characters by a fixed label column
const DDL = `CREATE TABLE customers (customerNumber INTEGER PRIMARY KEY, customerName VARCHAR(50),
  salesRepEmployeeNumber INTEGER, creditLimit DECIMAL(10,2));
  INSERT INTO customers VALUES (103, 'Atelier graphique', 1370, 21000);`;

let db: ReturnType<typeof scratchDb>;
let source: TableSource;
beforeAll(() => {
  db = scratchDb(DDL);
  source = new TableSource(db.file);
});
afterAll(() => {
  source?.close();
  db?.dispose();
});

describe('field labels', () => {
  it("show a long name whole in a row's detail", () => {
    const detail = source.detail('customers', { customerNumber: 103 })!;
    const ui = render(<DetailView detail={detail} showTitle={false} cursor={0} top={0} width={80} height={10} active color={false} />);
    expect(ui.lastFrame()).toMatch(/salesRepEmployeeNumber {2}1370/);
    ui.unmount();
  });

  it('show a long name whole in a form', () => {
    const ui = render(
      <RowForm
        source={source}
        table="customers"
        mode="edit"
        values={{ customerNumber: 103, customerName: 'Atelier graphique', salesRepEmployeeNumber: 1370, creditLimit: 21000 }}
        title="Edit customers 103"
        width={80}
        height={10}
        active
        color={false}
        onSubmit={async () => null}
        onCancel={() => {}}
      />,
    );
    expect(ui.lastFrame()).toMatch(/salesRepEmployeeNumber \[1370/);
    ui.unmount();
  });

  it('cut a name with "…" where there is no room for it', () => {
    const detail = source.detail('customers', { customerNumber: 103 })!;
    const ui = render(<DetailView detail={detail} showTitle={false} cursor={0} top={0} width={40} height={10} active color={false} />);
    expect(ui.lastFrame()).toMatch(/salesRepEmployeeNum… {2}1370/);
    expect(ui.lastFrame()).not.toMatch(/salesRepEmployeeNumb /);
    ui.unmount();
  });
});
