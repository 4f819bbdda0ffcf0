// The benchmark's server process: what `hoplight-observatory serve --workers 0` runs (store, queue, API
// and pages), with the per-client rate limit raised, since every benchmark client comes from one IP.
// Prints its URL on the first line of stdout. Run: node bench/api-server.ts --db FILE --rate-limit N
import { parseArgs } from 'node:util';
import { buildServer } from '../src/observatory/api/server.ts';
import { createQueue } from '../src/observatory/queue/create-queue.ts';
import { openStore } from '../src/observatory/store/open-store.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, 'rate-limit': { type: 'string', default: '300' } },
});
if (!values.db) {
  console.error('usage: node bench/api-server.ts --db FILE [--rate-limit REQUESTS_PER_MINUTE]');
  process.exit(2);
}
const max = Number(values['rate-limit']);
if (!Number.isInteger(max) || max < 1) {
  console.error(`--rate-limit wants a whole number of requests per minute, got "${values['rate-limit']}".`);
  process.exit(2);
}
const store = await openStore({ sqlitePath: values.db });
const queue = await createQueue(store);
const app = await buildServer({ store, queue, rateLimit: { max, timeWindowMs: 60_000 } });
console.log(await app.listen({ host: '127.0.0.1', port: 0 }));
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => queue.close())
    .then(() => store.close())
    .then(() => process.exit(0));
});
