// How many of one kind of request each client has in flight, with a cap: the per-client share of
// something costly that the request rate limit does not bound (one request that streams for a
// minute counts once against 300 a minute). Pure: the caller says when a request starts and ends.
export class InFlightPerClient {
  readonly #counts = new Map<string, number>();
  readonly max: number;

  constructor(max: number) {
    if (!(max >= 1)) throw new RangeError(`the in-flight cap must be 1 or more, got ${max}`);
    this.max = max;
  }

  /** Counts one more for `client` and returns true, or returns false when it is at the cap. */
  tryEnter(client: string): boolean {
    const n = this.#counts.get(client) ?? 0;
    if (n >= this.max) return false;
    this.#counts.set(client, n + 1);
    return true;
  }

  leave(client: string): void {
    const n = (this.#counts.get(client) ?? 0) - 1;
    // Forget idle clients: the map holds only those with something in flight.
    if (n <= 0) this.#counts.delete(client);
    else this.#counts.set(client, n);
  }

  inFlight(client: string): number {
    return this.#counts.get(client) ?? 0;
  }

  /** Clients with something in flight (bounded by connections, not by clients ever seen). */
  get clients(): number {
    return this.#counts.size;
  }
}
