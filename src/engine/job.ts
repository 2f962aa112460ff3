import { StrataError, toStrataError } from '../core/errors.js';
import type { StreamPlan } from '../core/plan.js';
import { JobGraph, type GraphDeps } from './graph.js';

export type JobState = 'CREATED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

export interface JobOptions {
  readonly name: string;
  /** Most changes taken from one source per step (default 4096). */
  readonly maxBatchRows?: number;
  /** Called after each micro-batch's sinks committed. */
  readonly onCommit?: () => void;
}

/**
 * A running job: the scheduler around a JobGraph. It polls every source for buffered
 * changes, pushes each batch through the graph synchronously (one step), and after each
 * round commits all sinks together (a micro-batch). When no source has data it waits on
 * their `ready()` promises, so an idle job costs nothing. Bounded jobs finish when every
 * source has finished and everything is committed.
 *
 * Non-guarantees (until checkpoints land): a crash loses operator state; sinks are
 * committed per micro-batch, not atomically across sinks.
 */
export class Job {
  readonly name: string;
  readonly graph: JobGraph;
  #state: JobState = 'CREATED';
  #error: StrataError | null = null;
  readonly #abort = new AbortController();
  readonly #maxBatch: number;
  readonly #onCommit: (() => void) | undefined;
  #done: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #idleWaiters: (() => void)[] = [];
  /** Micro-batches committed so far. */
  commits = 0;
  /** Time spent in synchronous steps and in sink commits, in seconds, and how many of each. */
  readonly timing = { stepSeconds: 0, steps: 0, commitSeconds: 0 };

  constructor(plan: StreamPlan, deps: GraphDeps, options: JobOptions) {
    this.name = options.name;
    this.#maxBatch = options.maxBatchRows ?? 4096;
    this.#onCommit = options.onCommit;
    this.graph = new JobGraph(plan, deps);
  }

  get state(): JobState {
    return this.#state;
  }

  get error(): StrataError | null {
    return this.#error;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Opens every source and sink, then runs in the background. Rejects if opening fails. */
  async start(): Promise<void> {
    if (this.#state !== 'CREATED') throw new StrataError('INTERNAL', `job ${this.name} was already started`);
    try {
      for (const s of this.graph.sinks) await s.writer.open();
      for (const s of this.graph.sources) await s.reader.open();
    } catch (e) {
      this.#state = 'FAILED';
      this.#error = toStrataError(e);
      await this.#closeAll();
      throw this.#error;
    }
    this.#state = 'RUNNING';
    this.#done = this.#run();
  }

  /** Resolves when the job has stopped (finished, failed or canceled). Never rejects. */
  async done(): Promise<void> {
    if (this.#done !== null) await this.#done;
  }

  /**
   * Resolves once the job has processed and committed everything its sources had
   * buffered when this was called (it is waiting for input), or once it has stopped.
   */
  whenIdle(): Promise<void> {
    if (this.#state !== 'RUNNING') return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#idleWaiters.push(resolve);
      this.#wake?.();
    });
  }

  /**
   * Read-your-writes: resolves once every source has returned what its external system
   * had committed when this was called, and the job has processed and committed all of it.
   */
  async flush(): Promise<void> {
    if (this.#state !== 'RUNNING') return;
    for (const s of this.graph.sources) if (s.reader.catchUp !== undefined) await s.reader.catchUp();
    await this.whenIdle();
  }

  #releaseIdle(): void {
    const ws = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of ws) w();
  }

  async cancel(): Promise<void> {
    if (this.#state === 'RUNNING') {
      this.#abort.abort();
      this.#wake?.();
    }
    await this.done();
  }

  async #run(): Promise<void> {
    const sources = this.graph.sources;
    const sinks = this.graph.sinks;
    try {
      while (!this.#abort.signal.aborted) {
        let worked = false;
        for (let i = 0; i < sources.length; i++) {
          const s = sources[i]!;
          const b = s.reader.poll(this.#maxBatch);
          if (b !== null && b.length > 0) {
            const t0 = performance.now();
            this.graph.push(s.node.id, b);
            this.timing.stepSeconds += (performance.now() - t0) / 1000;
            this.timing.steps++;
            worked = true;
          }
        }
        if (worked) {
          const t0 = performance.now();
          for (let i = 0; i < sinks.length; i++) await sinks[i]!.writer.commit();
          this.timing.commitSeconds += (performance.now() - t0) / 1000;
          this.commits++;
          this.#onCommit?.();
          continue;
        }
        if (sources.every((s) => s.reader.finished)) {
          this.#state = 'FINISHED';
          break;
        }
        this.#releaseIdle();
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          for (const s of sources) if (!s.reader.finished) s.reader.ready().then(resolve, resolve);
        });
        this.#wake = null;
      }
      if (this.#state === 'RUNNING') this.#state = 'CANCELED';
    } catch (e) {
      this.#state = 'FAILED';
      this.#error = toStrataError(e);
    }
    await this.#closeAll();
    this.#releaseIdle();
  }

  async #closeAll(): Promise<void> {
    for (const s of this.graph.sources) {
      try {
        await s.reader.close();
      } catch {
        // Closing is best effort; the job's own error (if any) is what matters.
      }
    }
    for (const s of this.graph.sinks) {
      try {
        await s.writer.close();
      } catch {
        // As above.
      }
    }
  }
}
