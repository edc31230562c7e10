import { defineConfig } from 'alsx/config';

export default defineConfig({
  name: 'northwind',
  db: { schema: 'db/schema.sql', seed: 'db/seed.sql' },
  models: 'models.ts',
  rules: 'logic/rules.ts',
});
