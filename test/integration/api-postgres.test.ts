import { afterAll, beforeAll } from 'vitest';
import { openStore } from '../../src/observatory/store/open-store.ts';
import { apiSuite } from '../support/observatory-api-suite.ts';
import { labScan } from '../support/observatory-scan.ts';
import { type PostgresCluster, startPostgres } from '../support/postgres.ts';

let cluster: PostgresCluster;
let databases = 0;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => cluster?.stop());

apiSuite(
  {
    name: 'PostgreSQL with pg-boss',
    open: async () => openStore({ databaseUrl: await cluster.createDatabase(`api_${++databases}`) }),
    queueOptions: { pollingIntervalSeconds: 0.5 },
  },
  labScan,
);
