/** A project without security/grants.ts: the API is open (as API Logic Server starts), views are read-only. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/api/server.js';
import { openProject, type OpenProject } from '../../src/project/load.js';

let dir: string;
let project: OpenProject;
let server: Server;
let base: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-open-'));
  mkdirSync(join(dir, 'db'));
  writeFileSync(
    join(dir, 'db/schema.sql'),
    `
    CREATE TABLE "Location" ("country" TEXT NOT NULL, "city" TEXT NOT NULL, "notes" TEXT, PRIMARY KEY ("country", "city"));
    CREATE TABLE "Visit" ("Id" INTEGER PRIMARY KEY, "country" TEXT, "city" TEXT, "On" DATE, FOREIGN KEY ("country", "city") REFERENCES "Location" ("country", "city"));
    CREATE VIEW "VisitCount" AS SELECT country, city, count(*) AS n FROM "Visit" GROUP BY country, city;`,
  );
  writeFileSync(
    join(dir, 'db/seed.sql'),
    `INSERT INTO "Location" VALUES ('Germany', 'Berlin', NULL), ('USA', 'New York, NY', 'comma in a key');`,
  );
  project = await openProject(dir);
  const { app } = await createApi(project);
  server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  project.close();
  rmSync(dir, { recursive: true, force: true });
});

const json = async (path: string, init?: RequestInit) => {
  const r = await fetch(`${base}${path}`, init);
  return { status: r.status, body: (await r.json()) as any };
};
const post = (path: string, body: unknown) =>
  json(path, { method: 'POST', headers: { 'Content-Type': 'application/vnd.api+json' }, body: JSON.stringify(body) });

describe('an open project', () => {
  it('needs no login', async () => {
    expect((await json('/Location')).body.meta.count).toBe(2);
  });

  it('encodes composite keys in the id, commas inside a part included', async () => {
    const list = await json('/Location?sort=country');
    expect(list.body.data.map((l: any) => l.id)).toEqual(['Germany,Berlin', 'USA,New%20York%2C%20NY']);
    const one = await json(`/Location/${encodeURIComponent('USA,New%20York%2C%20NY')}`);
    expect(one.body.data.attributes).toEqual({ country: 'USA', city: 'New York, NY', notes: 'comma in a key' });
  });

  it('relates through a composite foreign key', async () => {
    const r = await post('/Visit', {
      data: {
        type: 'Visit',
        attributes: { On: '2026-01-01' },
        relationships: { Location: { data: { type: 'Location', id: 'Germany,Berlin' } } },
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.data.attributes).toMatchObject({ country: 'Germany', city: 'Berlin' });
    expect(r.body.data.relationships.Location.data).toEqual({ type: 'Location', id: 'Germany,Berlin' });
    const visits = await json('/Location/Germany,Berlin/VisitList');
    expect(visits.body.data).toHaveLength(1);
  });

  it('serves views read-only, each row with an id of its own but no address', async () => {
    await post('/Visit', { data: { type: 'Visit', attributes: { country: 'USA', city: 'New York, NY' } } });
    const view = await json('/VisitCount?sort=country');
    expect(view.body.data.map((v: any) => v.attributes)).toEqual([
      { country: 'Germany', city: 'Berlin', n: 1 },
      { country: 'USA', city: 'New York, NY', n: 1 },
    ]);
    expect(new Set(view.body.data.map((v: any) => v.id)).size).toBe(2);
    expect((await json(`/VisitCount/${view.body.data[0].id}`)).status).toBe(404);
    const r = await post('/VisitCount', { data: { type: 'VisitCount', attributes: { n: 1 } } });
    expect(r.status).toBe(403);
  });
});
