// What the API and the pages say about the whole observatory: the stored counts and the rubric in use.
import { RUBRIC_VERSION } from '../../core/rubric.ts';
import type { Store, StoreStats } from '../store/store.ts';

export interface ObservatoryStats extends StoreStats {
  rubricVersion: number;
}

export async function observatoryStats(store: Store): Promise<ObservatoryStats> {
  return { ...(await store.stats()), rubricVersion: RUBRIC_VERSION };
}
