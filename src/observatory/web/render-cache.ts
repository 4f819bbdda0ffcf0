// Rendered pages and computed figures, kept while what they were made from is unchanged: the key names
// that (a store revision, a report id and rubric), so an entry never goes stale, it only falls out of a
// bounded LRU. Requests that ask while a value is being computed share it.

export class RenderCache<T> {
  readonly #max: number;
  readonly #entries = new Map<string, Promise<T>>();

  constructor(maxEntries: number) {
    this.#max = maxEntries;
  }

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const value = compute();
    this.#entries.set(key, value);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
    // A failed computation is not kept: the next request tries again.
    value.catch(() => {
      if (this.#entries.get(key) === value) this.#entries.delete(key);
    });
    return value;
  }

  get size(): number {
    return this.#entries.size;
  }
}
