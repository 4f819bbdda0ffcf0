// Where every connection of a scan is admitted: the address policy (address-policy.ts), then the
// scan's caps (DNS queries, sockets opened, sockets open at once) and the process's bound on open
// sockets. A hostile domain (800 SRV records, a POSH delegation to 127.0.0.1) gets a refusal in its
// report instead of thousands of descriptors or a look inside our network.
import { addressRefusal, admitAddress } from './address-policy.ts';

export interface ScanCaps {
  /** Targets scanned per service, in SRV order (default 8). */
  targetsPerService: number;
  /** Addresses probed per target (default 4; IPv4 and IPv6 in turn), each an entry of the report. */
  addressesPerTarget: number;
  /** DNS queries one scan may send (default 200). */
  dnsQueries: number;
  /** Sockets one scan may open in all (default 1500: 16 targets × ~65 TLS handshakes with room). */
  socketsPerScan: number;
  /** Sockets one scan may hold open at once (default 32). */
  openSocketsPerScan: number;
}

export const DEFAULT_SCAN_CAPS: ScanCaps = {
  targetsPerService: 8,
  addressesPerTarget: 4,
  dnsQueries: 200,
  socketsPerScan: 1500,
  openSocketsPerScan: 32,
};

/** Sockets open at once in this process across all scans (default 256), so scans never starve the API. */
let processSocketLimit = 256;

export class ScanBudgetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScanBudgetError';
  }
}

/** A counting semaphore: `acquire` waits for a free slot (or the signal), `release` frees one. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  get size(): number {
    return this.#free;
  }
  resize(delta: number): void {
    this.#free += delta;
    while (this.#free > 0 && this.#waiting.length > 0) {
      this.#free--;
      this.#waiting.shift()?.();
    }
  }
  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const granted = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.#waiting.indexOf(granted);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(signal?.reason);
      };
      this.#waiting.push(granted);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  release(): void {
    this.resize(1);
  }
}

const processSockets = new Slots(processSocketLimit);

/** Sets the process-wide bound on open scan sockets (serve/worker start-up; tests). */
export function setProcessSocketLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError('the socket limit must be a positive integer');
  processSockets.resize(limit - processSocketLimit);
  processSocketLimit = limit;
}

export class ConnectionGate {
  readonly allowPrivate: boolean;
  /** Single addresses admitted even when not public (see addressRefusal). */
  readonly exempt: readonly string[];
  readonly caps: ScanCaps;
  #dnsQueries = 0;
  #socketsOpened = 0;
  readonly #open: Slots;

  constructor(opts: { allowPrivate: boolean; caps?: Partial<ScanCaps>; exempt?: readonly string[] }) {
    this.allowPrivate = opts.allowPrivate;
    this.exempt = opts.exempt ?? [];
    this.caps = { ...DEFAULT_SCAN_CAPS, ...opts.caps };
    this.#open = new Slots(this.caps.openSocketsPerScan);
  }

  /** Counts one DNS query against the scan's cap; throws ScanBudgetError past it. */
  takeDnsQuery(name: string): void {
    if (++this.#dnsQueries > this.caps.dnsQueries)
      throw new ScanBudgetError(
        `not looking up ${name}: this scan used its ${this.caps.dnsQueries} DNS queries`,
      );
  }

  /**
   * Admits a connection to `address`: refused by the address policy or past the scan's socket cap
   * (throws), else waits for a free socket slot of the scan and of the process. Call the returned
   * function once the socket has closed (or was never opened).
   */
  async admit(address: string, port: number, what: string, signal?: AbortSignal): Promise<() => void> {
    admitAddress(address, this.allowPrivate, `${what} (${address} port ${port})`, this.exempt);
    if (++this.#socketsOpened > this.caps.socketsPerScan)
      throw new ScanBudgetError(
        `not connecting to ${what}: this scan opened its ${this.caps.socketsPerScan} sockets`,
      );
    await this.#open.acquire(signal);
    try {
      await processSockets.acquire(signal);
    } catch (error) {
      this.#open.release();
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      processSockets.release();
      this.#open.release();
    };
  }

  /** Why `address` would be refused, or null (to pick an admissible address among several). */
  refusal(address: string): string | null {
    return addressRefusal(address, this.allowPrivate, this.exempt);
  }

  /** Counts so far, for tests and logs. */
  get usage(): { dnsQueries: number; socketsOpened: number } {
    return { dnsQueries: this.#dnsQueries, socketsOpened: this.#socketsOpened };
  }
}

/** Free process-wide socket slots now (tests check that every socket gave its slot back). */
export function freeProcessSockets(): number {
  return processSockets.size;
}
