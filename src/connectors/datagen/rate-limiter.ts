/**
 * Time as a source sees it: injectable, so tests drive rate limits with a fake clock and
 * never assert on wall-clock timing.
 */
export interface SourceClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: SourceClock = {
  now: () => Date.now(),
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
    });
  },
};

/**
 * Rows allowed by a rate of `rowsPerSecond` since a start instant. Pure arithmetic over
 * the times it is given. A backlog (the caller fell behind) is capped at one second of
 * rows, so a paused job does not release a burst when it resumes.
 */
export class RateLimiter {
  readonly rowsPerSecond: number;
  #start = 0;
  #base = 0;

  constructor(rowsPerSecond: number) {
    this.rowsPerSecond = rowsPerSecond;
  }

  /** Starts counting at `now`, with `emitted` rows already out. */
  reset(now: number, emitted: number): void {
    this.#start = now;
    this.#base = emitted;
  }

  /** How many more rows may go out at `now`, given `emitted` so far. */
  available(now: number, emitted: number): number {
    const due = this.#base + Math.floor(((now - this.#start) * this.rowsPerSecond) / 1000);
    const n = due - emitted;
    if (n > this.rowsPerSecond) {
      // Too far behind: forget all but one second of backlog.
      this.#start = now - 1000;
      this.#base = emitted;
      return this.rowsPerSecond;
    }
    return n > 0 ? n : 0;
  }

  /** Milliseconds from `now` until the next row is due (at least 1). */
  delayUntilNext(now: number, emitted: number): number {
    const at = this.#start + Math.ceil(((emitted - this.#base + 1) * 1000) / this.rowsPerSecond);
    return Math.max(1, at - now);
  }
}
