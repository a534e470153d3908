/**
 * A value that solves borrow (a loaded model, a local provider): replaced when its settings
 * change, but freed only once the last solve that borrowed it has returned it, so that a
 * settings change in one window never pulls a model out from under a running solve.
 */
export interface Lease<T> {
  readonly value: T;
  release(): void;
}

interface Entry<T> {
  key: string;
  value: Promise<T>;
  users: number;
  retired: boolean;
}

export class LeasedSlot<T> {
  private entry?: Entry<T>;
  private readonly all = new Set<Entry<T>>();

  constructor(private readonly free: (value: T) => void | Promise<void>) {}

  /** Every value the slot still holds (the current one and retired ones still borrowed). */
  held(): Promise<T>[] {
    return [...this.all].map((e) => e.value);
  }

  /** The pending or ready value for `key`, if that is what the slot holds. */
  current(key: string): Promise<T> | undefined {
    return this.entry?.key === key ? this.entry.value : undefined;
  }

  /** Holds `make()` for `key`, retiring what the slot held before. */
  fill(key: string, make: () => Promise<T>): Promise<T> {
    this.retire();
    const entry: Entry<T> = { key, value: make(), users: 0, retired: false };
    this.entry = entry;
    this.all.add(entry);
    // A value that failed to arrive leaves the slot, so the next request tries again.
    entry.value.catch(() => {
      this.all.delete(entry);
      if (this.entry === entry) this.entry = undefined;
    });
    return entry.value;
  }

  /** Borrows the value held for `key`; undefined when the slot holds something else. */
  async borrow(key: string): Promise<Lease<T> | undefined> {
    const entry = this.entry;
    if (!entry || entry.key !== key) return undefined;
    entry.users++;
    let value: T;
    try {
      value = await entry.value;
    } catch (e) {
      entry.users--;
      throw e;
    }
    let returned = false;
    return {
      value,
      release: () => {
        if (returned) return;
        returned = true;
        entry.users--;
        this.maybeFree(entry);
      },
    };
  }

  /** Forgets the current value; it is freed now if nobody borrows it, else when the last lease returns. */
  retire(): void {
    const entry = this.entry;
    this.entry = undefined;
    if (!entry) return;
    entry.retired = true;
    this.maybeFree(entry);
  }

  /** Frees everything, borrowed or not (the extension is shutting down). */
  async disposeAll(): Promise<void> {
    this.entry = undefined;
    const entries = [...this.all];
    this.all.clear();
    await Promise.all(entries.map((e) => e.value.then(this.free).catch(() => undefined)));
  }

  private maybeFree(entry: Entry<T>): void {
    if (!entry.retired || entry.users > 0 || !this.all.delete(entry)) return;
    void entry.value.then(this.free).catch(() => undefined);
  }
}
