import { defineConfig } from 'alsx/config';

export default defineConfig({
  name: 'shipping',
  db: { schema: 'db/schema.sql', seed: 'db/seed.sql' },
  models: 'models.ts',
  rules: 'logic/rules.ts',
  // the shipping system listens to Northwind's order_shipping topic, on Northwind's embedded broker
  kafka: { shareBrokerOf: '../northwind' },
  api: { port: 5657 },
});
