// Which contact domains the user's server could not reach, as the observer finds out: lets the OMEMO
// queries to contacts on a dead domain end when its observation does (at most its budget) instead of
// each waiting for its own timeout.
import { isObservedFailure, type S2sObservation } from '../../../core/observation.ts';

export interface LinkWatch {
  /** Settles once the domain's observation says the link is down or did not answer in its budget. */
  down(domain: string): Promise<void>;
  /** Called with each observation as it completes. */
  observed(observation: S2sObservation): void;
}

export function linkWatch(): LinkWatch {
  const waits = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const wait = (domain: string) => {
    const key = domain.toLowerCase();
    let entry = waits.get(key);
    if (!entry) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      entry = { promise, resolve };
      waits.set(key, entry);
    }
    return entry;
  };
  return {
    down: (domain) => wait(domain).promise,
    observed(observation) {
      if (isObservedFailure(observation.outcome) || observation.outcome === 'timeout')
        wait(observation.domain).resolve();
    },
  };
}
