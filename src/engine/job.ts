import { createHash, randomBytes } from 'node:crypto';
import { StrataError, toStrataError } from '../core/errors.js';
import type { StreamPlan } from '../core/plan.js';
import { encodeCheckpointWith, type CheckpointHead, type CheckpointStore } from './checkpoint/store.js';
import { compareTokens, sameToken, tokenAtOrBefore, type CommitToken } from './commit-token.js';
import { JobGraph, type GraphDeps } from './graph.js';

export type JobState = 'CREATED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

export interface JobOptions {
  readonly name: string;
  /** Most changes taken from one source per step (default 4096). */
  readonly maxBatchRows?: number;
  /** Called after each micro-batch's sinks committed. */
  readonly onCommit?: () => void;
  /** Checkpoints: where, how often, and where to say what was restored. */
  readonly checkpointing?: JobCheckpointing;
  /** Called once after the job stopped and closed its connectors (frees job resources). */
  readonly onStop?: () => Promise<void>;
}

export interface JobCheckpointing {
  readonly store: CheckpointStore;
  /** Milliseconds between periodic checkpoints; 0: only checkpoint 0 and on-demand ones. */
  readonly intervalMs: number;
  /** Server log lines (restores, skipped files, failed checkpoints). */
  readonly log: (line: string) => void;
  /**
   * Every how many checkpoints one is full (default 8); the others are incremental (only
   * what changed since the previous one) when the job's operators support it. 1: always full.
   */
  readonly fullEvery?: number;
}

/** A checkpoint captured between two steps, to be written in the background. */
interface CapturedCheckpoint {
  readonly head: CheckpointHead;
  readonly bytes: Buffer;
  readonly encodeMillis: number;
}

/** The last checkpoint a job completed. */
export interface CheckpointInfo {
  readonly id: number;
  readonly bytes: number;
  /** Milliseconds to snapshot and encode the state (the job's pause). */
  readonly encodeMillis: number;
  /** The checkpoint an incremental one builds on; null for a full one. */
  readonly parent: number | null;
  /** Milliseconds to write the file durably (in the background). */
  readonly writeMillis: number;
  readonly completedAt: number;
}

/** A hash of the plan's structure (connector options left out: they may change across restarts). */
export function planHash(plan: StreamPlan): string {
  const text = JSON.stringify(plan, (k, v: unknown) => {
    if (k === 'options') return undefined;
    if (typeof v === 'bigint') return `${v}n`;
    return v;
  });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * A running job: the scheduler around a JobGraph. It polls every source for buffered
 * changes, pushes each batch through the graph synchronously (one step), and after each
 * round commits all sinks together (a micro-batch). When no source has data it waits on
 * their `ready()` promises, so an idle job costs nothing. Bounded jobs finish when every
 * source has finished and everything is committed.
 *
 * With checkpointing (docs/design/20261121_checkpoints.md): every commit carries a commit
 * token (changes consumed per source since the job first started); checkpoints are taken
 * right after a commit round; `start` restores the newest valid checkpoint and replays the
 * sources up to each token the sinks recovered, so each change reaches each sink once.
 */
export class Job {
  readonly name: string;
  readonly graph: JobGraph;
  #state: JobState = 'CREATED';
  #error: StrataError | null = null;
  readonly #abort = new AbortController();
  readonly #maxBatch: number;
  readonly #onCommit: (() => void) | undefined;
  readonly #cp: JobCheckpointing | undefined;
  readonly #onStop: (() => Promise<void>) | undefined;
  readonly #planHash: string;
  #done: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #idleWaiters: (() => void)[] = [];
  /** Changes consumed per source (plan order) since the job first started. */
  #totals: number[];
  /** The job's lineage (CommitToken.run). */
  #lineage = '';
  /** Totals at the last completed checkpoint. */
  #checkpointTotals: number[] = [];
  #checkpointId = -1;
  #lastCheckpointAt = 0;
  #checkpointInflight: Promise<void> | null = null;
  #checkpointWaiters: { resolve: (id: number) => void; reject: (e: StrataError) => void }[] = [];
  #checkpointFailing = false;
  /**
   * The last checkpoint was written and the operators' delta epochs start at it, so the
   * next one may be incremental on top of it (false at start, after a restore, and after a
   * checkpoint that failed to capture or write: the next one is then full).
   */
  #chainOk = false;
  /** The full checkpoint at the root of the current chain, its size, and the deltas written on it. */
  #baseId = -1;
  /** The tag of the last checkpoint written (an incremental one names it as its parent's). */
  #lastTag = '';
  #fullBytes = 0;
  #deltaBytes = 0;
  #deltasSinceFull = 0;
  /** Size of the last checkpoint of each kind, as a buffer size hint. */
  #lastFullBytes = 0;
  #lastDeltaBytes = 0;
  /**
   * The buffer of the last full checkpoint, written out by now (no capture starts while a
   * write is in flight): the next full one is encoded into it, so a large state does not
   * allocate (and make V8 account for) a new external buffer each time.
   */
  #fullBuffer: Buffer | undefined = undefined;
  /** How the restored checkpoint was assembled, for the restore log line. */
  #restoredChain = '';
  /** Sink tokens found at start, after the restored checkpoint: the replay stops at each. */
  #replayTargets: CommitToken[] = [];
  /** Micro-batches committed so far. */
  commits = 0;
  /** Time spent in synchronous steps and in sink commits, in seconds, and how many of each. */
  readonly timing = { stepSeconds: 0, steps: 0, commitSeconds: 0 };
  /** The newest completed checkpoint, and how many were taken. */
  lastCheckpoint: CheckpointInfo | null = null;
  checkpointsTaken = 0;
  /** What `start` restored from, for the jobs API (null: started fresh). */
  restoredFrom: { readonly id: number; readonly file: string; readonly replayed: number } | null = null;

  constructor(plan: StreamPlan, deps: GraphDeps, options: JobOptions) {
    this.name = options.name;
    this.#maxBatch = options.maxBatchRows ?? 4096;
    this.#onCommit = options.onCommit;
    this.#cp = options.checkpointing;
    this.#onStop = options.onStop;
    this.graph = new JobGraph(plan, deps);
    this.#planHash = planHash(plan);
    this.#totals = this.graph.sources.map(() => 0);
  }

  get state(): JobState {
    return this.#state;
  }

  get error(): StrataError | null {
    return this.#error;
  }

  /** True when the job writes checkpoints (it runs with a data directory). */
  get checkpoints(): boolean {
    return this.#cp !== undefined;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The token the next commit carries (the input consumed so far). */
  get position(): CommitToken {
    return { job: this.name, run: this.#lineage, totals: [...this.#totals] };
  }

  /**
   * Opens every sink, restores the newest valid checkpoint (if checkpointing), opens every
   * source, then runs in the background. Rejects if opening or restoring fails.
   */
  async start(): Promise<void> {
    if (this.#state !== 'CREATED') throw new StrataError('INTERNAL', `job ${this.name} was already started`);
    try {
      for (const s of this.graph.sinks) await s.writer.open();
      const restored = this.#restore();
      for (const s of this.graph.sources) await s.reader.open();
      if (this.#cp !== undefined && !restored) {
        // Checkpoint 0: the sources' starting offsets, so a crash before the first periodic
        // checkpoint replays from exactly where this run began.
        await this.#writeCheckpoint(this.#captureCheckpoint(0));
      }
      this.#planReplay();
    } catch (e) {
      this.#state = 'FAILED';
      this.#error = toStrataError(e);
      await this.#closeAll();
      throw this.#error;
    }
    this.#state = 'RUNNING';
    this.#done = this.#loop();
  }

  /** Restores the newest valid checkpoint into the graph and the sources; false when there is none. */
  #restore(): boolean {
    const cp = this.#cp;
    // A fresh lineage unless a checkpoint continues an old one: sinks never mistake another
    // run's commits for this one's.
    this.#lineage = randomBytes(6).toString('hex');
    if (cp === undefined) return false;
    const loaded = cp.store.loadLatest();
    if (loaded === null) return false;
    for (const s of loaded.skipped) cp.log(`job '${this.name}': skipped checkpoint ${s.file}: ${s.reason}`);
    const d = loaded.data;
    if (d.planHash !== this.#planHash || d.totals.length !== this.graph.sources.length) {
      throw new StrataError('STATE', `job '${this.name}' cannot restore checkpoint ${loaded.file}: it was taken from a different pipeline (the query or the tables changed)`, {
        domain: 'user',
        hint: `Run the pipeline under a new name (SET 'pipeline.name' = '...'), or move ${cp.store.dir} away to start this one from scratch.`,
      });
    }
    const chain = loaded.chain;
    this.graph.restore(chain[0]!.state);
    for (let i = 1; i < chain.length; i++) this.graph.restoreDelta(chain[i]!.state);
    if (chain.length > 1) this.#restoredChain = ` = full checkpoint ${chain[0]!.id} + ${chain.length - 1} incremental`;
    const sources = this.graph.sources;
    for (let i = 0; i < sources.length; i++) sources[i]!.reader.restoreOffsets(d.offsets[i] ?? null);
    this.#lineage = d.run;
    this.#totals = [...d.totals];
    this.#checkpointTotals = [...d.totals];
    this.#checkpointId = d.id;
    this.#lastCheckpointAt = Date.now();
    this.restoredFrom = { id: d.id, file: loaded.file, replayed: 0 };
    return true;
  }

  /** The sinks' recovered tokens of this run that lie after the restored position, in order. */
  #planReplay(): void {
    if (this.restoredFrom === null) return;
    const here: CommitToken = this.position;
    const found: CommitToken[] = [];
    for (const s of this.graph.sinks) {
      for (const t of s.writer.recoveredTokens?.() ?? []) {
        if (t.job !== this.name || t.run !== this.#lineage) continue;
        if (tokenAtOrBefore(t, here)) continue;
        if (!tokenAtOrBefore(here, t)) {
          throw new StrataError('STATE', `job '${this.name}': sink ${s.node.table.path.join('.')} committed at [${t.totals.join(', ')}], which does not follow the restored checkpoint at [${here.totals.join(', ')}]`, {
            hint: 'The sink was written by another run of this job; start the job under a new name.',
          });
        }
        if (!found.some((f) => sameToken(f, t))) found.push(t);
      }
    }
    found.sort(compareTokens);
    this.#replayTargets = found;
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

  /** Takes a checkpoint now (after the current step); resolves with its id once it is durable. */
  checkpoint(): Promise<number> {
    if (this.#cp === undefined) return Promise.reject(new StrataError('STATE', `job '${this.name}' does not checkpoint (the server runs without a data directory)`));
    if (this.#state !== 'RUNNING') return Promise.reject(new StrataError('STATE', `job '${this.name}' is ${this.#state}, not RUNNING`));
    return new Promise<number>((resolve, reject) => {
      this.#checkpointWaiters.push({ resolve, reject });
      this.#wake?.();
    });
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

  /** One commit round: every sink commits what it buffered, with `token`, concurrently. */
  async #commitRound(token: CommitToken): Promise<void> {
    const sinks = this.graph.sinks;
    const t0 = performance.now();
    if (sinks.length === 1) await sinks[0]!.writer.commit(token);
    else await Promise.all(sinks.map((s) => s.writer.commit(token)));
    this.timing.commitSeconds += (performance.now() - t0) / 1000;
    this.commits++;
    this.#onCommit?.();
  }

  /** Re-consumes, after a restore, exactly up to each recovered sink token, committing at each. */
  async #replay(): Promise<void> {
    const sources = this.graph.sources;
    let replayed = 0;
    for (const target of this.#replayTargets) {
      for (let i = 0; i < sources.length; i++) {
        const s = sources[i]!;
        let need = target.totals[i]! - this.#totals[i]!;
        while (need > 0) {
          if (this.#abort.signal.aborted) return;
          const b = s.reader.poll(need);
          if (b === null || b.length === 0) {
            if (s.reader.finished) throw this.#diverged(s.node.table.path, need, 'it finished');
            await new Promise<void>((resolve) => {
              this.#wake = resolve;
              s.reader.ready().then(resolve, resolve);
            });
            this.#wake = null;
            continue;
          }
          if (b.length > need) throw this.#diverged(s.node.table.path, need, `it returned ${b.length} changes at once`);
          const t0 = performance.now();
          this.graph.push(s.node.id, b);
          this.timing.stepSeconds += (performance.now() - t0) / 1000;
          this.timing.steps++;
          this.#totals[i]! += b.length;
          need -= b.length;
          replayed += b.length;
        }
      }
      await this.#commitRound(target);
    }
    if (this.restoredFrom !== null) {
      this.restoredFrom = { ...this.restoredFrom, replayed };
      this.#cp?.log(
        `job '${this.name}': restored from checkpoint ${this.restoredFrom.id} (${this.restoredFrom.file}${this.#restoredChain}); replayed ${replayed} changes to reach the sinks' committed positions; sources continue from [${this.#totals.join(', ')}]`,
      );
    }
    this.#replayTargets = [];
  }

  #diverged(path: readonly string[], need: number, what: string): StrataError {
    return new StrataError('STATE', `job '${this.name}' could not replay source ${path.join('.')} to its sinks' committed position: ${need} more changes were expected but ${what}`, {
      hint: 'The source did not return the same changes again (for example a topic compacted since the checkpoint). Start the job from scratch under a new name, or move its checkpoint directory away.',
    });
  }

  #checkpointDue(): boolean {
    const cp = this.#cp;
    if (cp === undefined) return false;
    if (this.#checkpointWaiters.length > 0) return this.#checkpointInflight === null;
    if (cp.intervalMs <= 0 || this.#checkpointInflight !== null) return false;
    if (Date.now() - this.#lastCheckpointAt < cp.intervalMs) return false;
    return this.#totals.some((n, i) => n !== this.#checkpointTotals[i]);
  }

  /**
   * Captures sources' offsets and operators' state now (between steps) and encodes them:
   * a full checkpoint (every operator streams its state into the file's buffer) or an
   * incremental one (what changed since the previous checkpoint). Full when: checkpoint 0,
   * the first after a restore or after a failed checkpoint, every `fullEvery`-th, when the
   * deltas written since the last full one reach half its size, or when no operator has
   * incremental state or the changed entries are half the state or more.
   */
  #captureCheckpoint(id: number): CapturedCheckpoint {
    const t0 = performance.now();
    const fullEvery = Math.max(1, this.#cp?.fullEvery ?? 8);
    const incremental =
      this.#chainOk &&
      this.#deltasSinceFull + 1 < fullEvery &&
      this.#deltaBytes * 2 < this.#fullBytes &&
      this.graph.deltaWorthIt();
    const head: CheckpointHead = {
      id,
      job: this.name,
      run: this.#lineage,
      planHash: this.#planHash,
      totals: [...this.#totals],
      offsets: this.graph.sources.map((s) => s.reader.snapshotOffsets()),
      parent: incremental ? this.#checkpointId : null,
      base: incremental ? this.#baseId : id,
      tag: randomBytes(6).toString('hex'),
      parentTag: incremental ? this.#lastTag : null,
      createdAt: Date.now(),
    };
    // Whatever happens next, the operators' epochs start here: a failure means a full one next time.
    this.#chainOk = false;
    let bytes: Buffer;
    if (incremental) {
      const delta = this.graph.snapshotDelta();
      bytes = encodeCheckpointWith(head, (w) => w.value(delta), { sizeHint: this.#lastDeltaBytes });
    } else {
      // Before the first large full checkpoint, ~128 bytes per row of state (measured: 60-106; a regrowth costs a copy and another GC).
      let rows = 0;
      if (this.#lastFullBytes < 1 << 20) for (const n of this.graph.stateSizes().values()) rows += n;
      const reuse = this.#fullBuffer;
      this.#fullBuffer = undefined;
      bytes = encodeCheckpointWith(head, (w) => this.graph.writeSnapshot(w), { sizeHint: Math.max(this.#lastFullBytes, 128 * rows), reuse });
      if (bytes.length > 1 << 20) this.#fullBuffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.buffer.byteLength - bytes.byteOffset);
    }
    return { head, bytes, encodeMillis: performance.now() - t0 };
  }

  async #writeCheckpoint(c: CapturedCheckpoint): Promise<void> {
    const t0 = performance.now();
    const written = await this.#cp!.store.write(c.head.id, c.bytes, this.name);
    this.#checkpointId = c.head.id;
    this.#checkpointTotals = [...c.head.totals];
    this.#lastTag = c.head.tag;
    if (c.head.parent === null) {
      this.#baseId = c.head.id;
      this.#fullBytes = written.bytes;
      this.#lastFullBytes = written.bytes;
      this.#deltaBytes = 0;
      this.#deltasSinceFull = 0;
    } else {
      this.#deltaBytes += written.bytes;
      this.#lastDeltaBytes = written.bytes;
      this.#deltasSinceFull++;
    }
    this.#chainOk = true;
    this.checkpointsTaken++;
    this.lastCheckpoint = {
      id: written.id,
      bytes: written.bytes,
      encodeMillis: c.encodeMillis,
      parent: c.head.parent,
      writeMillis: performance.now() - t0,
      completedAt: Date.now(),
    };
    const sources = this.graph.sources;
    for (let i = 0; i < sources.length; i++) sources[i]!.reader.checkpointComplete?.(c.head.offsets[i] ?? null);
  }

  /** Starts a checkpoint: captured synchronously here, written in the background. */
  #startCheckpoint(): void {
    const cp = this.#cp!;
    const waiters = this.#checkpointWaiters;
    this.#checkpointWaiters = [];
    this.#lastCheckpointAt = Date.now();
    let c: CapturedCheckpoint;
    try {
      c = this.#captureCheckpoint(this.#checkpointId + 1);
    } catch (e) {
      const err = toStrataError(e);
      for (const w of waiters) w.reject(err);
      throw err;
    }
    this.#checkpointInflight = this.#writeCheckpoint(c).then(
      () => {
        if (this.#checkpointFailing) cp.log(`job '${this.name}': checkpoint ${c.head.id} written; checkpoints work again`);
        this.#checkpointFailing = false;
        this.#checkpointInflight = null;
        for (const w of waiters) w.resolve(c.head.id);
        this.#wake?.();
      },
      (e: unknown) => {
        const err = toStrataError(e);
        if (!this.#checkpointFailing) cp.log(`job '${this.name}': ${err.message}`);
        this.#checkpointFailing = true;
        this.#checkpointInflight = null;
        for (const w of waiters) w.reject(err);
        this.#wake?.();
      },
    );
  }

  async #loop(): Promise<void> {
    const sources = this.graph.sources;
    try {
      if (this.#replayTargets.length > 0 || this.restoredFrom !== null) await this.#replay();
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
            this.#totals[i]! += b.length;
            worked = true;
          }
        }
        if (worked) {
          await this.#commitRound(this.position);
          if (this.#checkpointDue()) this.#startCheckpoint();
          continue;
        }
        if (this.#checkpointDue()) {
          this.#startCheckpoint();
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
          this.#checkpointInflight?.then(resolve, resolve);
          const cp = this.#cp;
          if (cp !== undefined && cp.intervalMs > 0 && this.#totals.some((n, i) => n !== this.#checkpointTotals[i])) {
            const t = setTimeout(resolve, Math.max(1, cp.intervalMs - (Date.now() - this.#lastCheckpointAt)));
            t.unref();
          }
        });
        this.#wake = null;
      }
      // A clean stop or finish leaves a checkpoint at the final position, so a restart replays nothing.
      if (this.#cp !== undefined) {
        if (this.#checkpointInflight !== null) await this.#checkpointInflight;
        if (this.#totals.some((n, i) => n !== this.#checkpointTotals[i]) || this.#checkpointWaiters.length > 0) {
          this.#startCheckpoint();
          await this.#checkpointInflight;
        }
      }
      if (this.#state === 'RUNNING') this.#state = 'CANCELED';
    } catch (e) {
      this.#state = 'FAILED';
      this.#error = toStrataError(e);
    }
    for (const w of this.#checkpointWaiters) w.reject(this.#error ?? new StrataError('STATE', `job '${this.name}' stopped before the checkpoint`));
    this.#checkpointWaiters = [];
    await this.#closeAll();
    this.#releaseIdle();
  }

  async #closeAll(): Promise<void> {
    try {
      await this.#closeConnectors();
    } finally {
      await this.#onStop?.().catch(() => undefined);
    }
  }

  async #closeConnectors(): Promise<void> {
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
