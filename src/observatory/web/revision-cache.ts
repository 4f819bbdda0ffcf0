// One value per store revision: recomputed only after some domain's summary changed (the snapshot
// counter moved), shared by the requests that ask while it is being computed.

export class RevisionCache<T> {
  #revision: number | null = null;
  #value: Promise<T> | null = null;

  /** The value for `revision`, computing it when the revision moved since the last one. */
  get(revision: number, compute: () => Promise<T>): Promise<T> {
    if (this.#value === null || this.#revision !== revision) {
      this.#revision = revision;
      const value = compute();
      this.#value = value;
      // A failed computation is not kept: the next request tries again.
      value.catch(() => {
        if (this.#value === value) this.#value = null;
      });
    }
    return this.#value;
  }
}
