import { afterAll, beforeAll } from 'vitest';
import { openStore } from '../../src/observatory/store/open-store.ts';
import { pagesSuite } from '../support/observatory-pages-suite.ts';
import { type PostgresCluster, startPostgres } from '../support/postgres.ts';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => cluster?.stop());

pagesSuite(
  'pages on PostgreSQL',
  async () => openStore({ databaseUrl: await cluster.createDatabase('pages') }),
  { pollingIntervalSeconds: 0.5 },
);
