// What every route, API or page, needs: the store, the queue and the limits, fixed when the server is built.
import type { ScanLimits } from '../queue/request-scan.ts';
import type { ScanQueue } from '../queue/types.ts';
import type { Store } from '../store/store.ts';

export interface HttpContext {
  store: Store;
  queue: ScanQueue;
  limits: ScanLimits;
  /** A report younger than this is `fresh`. */
  freshForMs: number;
  now: () => Date;
}
