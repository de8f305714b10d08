/**
 * Time for the quiz, behind a small interface: the sessions read "now" and schedule the
 * close of each question through it, so tests and the bench drive a fake clock while the
 * server uses the real one. Deadlines are stored as absolute epoch milliseconds, so a
 * restarted server can recompute its timers from them.
 */

/** A scheduled call that can be cancelled. */
export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once, `ms` from now. Real timers never keep the process alive on their own. */
  schedule(ms: number, fn: () => void): ClockTimer;
}

/** The real clock. Timers are unref'd so a CLI that happens to create the quiz service still exits. */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * A clock that only moves when told to; `advance` runs the timers that fall due, in order.
 * @example const clock = new FakeClock(Date.UTC(2024, 0, 1)); clock.advance(20_000);
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2024, 0, 1, 8, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(ms: number, fn: () => void): ClockTimer {
    const id = ++this.seq;
    this.timers.set(id, { at: this.current + Math.max(0, ms), fn });
    return { cancel: () => this.timers.delete(id) };
  }

  /** Moves time forward, firing every timer due on the way (a timer may schedule another). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= target && (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[0] < next[0]))) next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.current = Math.max(this.current, next[1].at);
      next[1].fn();
    }
    this.current = target;
  }

  /** How many timers wait (for tests). */
  pending(): number {
    return this.timers.size;
  }
}
