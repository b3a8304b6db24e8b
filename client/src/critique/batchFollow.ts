/**
 * Following a submitted batch until its results are in: poll, collect, then drop the saved job. It
 * imports no `vscode`, so tests drive it against the local endpoint with a plain store.
 *
 * A cancel is a cancel at the API too: the batch is cancelled there (no more requests are billed),
 * and the results of the requests that had already finished are still collected, so nothing that came
 * back is lost.
 */
import {
  cancelBatch,
  collectBatch,
  CritiqueFault,
  waitForBatch,
  type BatchJob,
  type BatchProgress,
  type EndpointOptions,
  type CritiqueOutcome,
  type CritiqueRequest,
} from '@lens/critique';

/** A submitted batch and what is needed to collect it in another session. */
export interface PendingJob {
  readonly job: BatchJob;
  readonly documentUri: string;
  readonly constitution: string;
  readonly maxTokens: number;
}

/** Where the pending jobs are kept between sessions (the workspace state, in the editor). */
export interface PendingStore {
  list(): readonly PendingJob[];
  save(jobs: readonly PendingJob[]): PromiseLike<void>;
}

/** Saves the job as pending, in place of an earlier entry of the same batch. */
export async function keepPending(store: PendingStore, pending: PendingJob): Promise<void> {
  await store.save([...store.list().filter((p) => p.job.batchId !== pending.job.batchId), pending]);
}

/** Forgets a pending job. */
export async function dropPending(store: PendingStore, batchId: string): Promise<void> {
  await store.save(store.list().filter((p) => p.job.batchId !== batchId));
}

/** Rebuilds the request of a `custom_id` from the dataset, which the job does not keep. */
export type RequestResolver = (customId: string, entry: BatchJob['requests'][string]) => CritiqueRequest | undefined;

export interface FollowOptions extends EndpointOptions {
  /** Stops following without cancelling the batch (the window closes); the job stays saved. */
  readonly stop?: AbortSignal;
  readonly store: PendingStore;
  readonly intervalMs: number;
  /** Reports each poll; `canceling` once the cancel was sent. */
  readonly onProgress?: (progress: BatchProgress, canceling: boolean) => void;
  /** Called once the batch has ended; without a resolver the results are not collected and the job stays saved. */
  readonly prepare: () => Promise<RequestResolver | undefined>;
  readonly onResult: (customId: string, outcome: CritiqueOutcome, cacheKey: string) => void | Promise<void>;
}

/** How following a batch ended. */
export interface FollowEnd {
  /** Whether the signal fired, and so the batch was cancelled at the API before it ended. */
  readonly cancelled: boolean;
  /** The batch's last counts. */
  readonly progress: BatchProgress;
  /** Whether the results were collected (and the job dropped). */
  readonly collected: boolean;
}

/** Longest wait between polls of a batch that is cancelling, which ends within moments. */
const cancelPollMs = 2_000;

/**
 * Polls the batch until it ends, or until `signal` fires: then cancels it at the API and waits for it
 * to end. When `stop` fires instead, rejects with a `cancelled` fault and keeps the job. Either way the results that exist are collected through `onResult`, and the job is dropped
 * from the store. A fault while polling keeps the job (a reload resumes it); a fault of the cancel
 * drops it, since the user asked to stop following it. Rejects with a {@link CritiqueFault}.
 */
export async function followBatch(pending: PendingJob, options: FollowOptions): Promise<FollowEnd> {
  const { signal, stop, store, intervalMs, onProgress, prepare, onResult, ...endpoint } = options;
  const { job } = pending;
  let cancelled = false;
  let progress: BatchProgress;
  const either = AbortSignal.any([signal, stop].filter((s): s is AbortSignal => s !== undefined));
  try {
    progress = await waitForBatch(job, { ...endpoint, signal: either, intervalMs, onProgress: (p) => onProgress?.(p, false) });
  } catch (e) {
    if (!(e instanceof CritiqueFault && e.error.kind === 'cancelled' && signal?.aborted)) throw e;
    cancelled = true;
    try {
      progress = await cancelBatch(job, endpoint);
      onProgress?.(progress, true);
      if (!progress.ended) {
        progress = await waitForBatch(job, { ...endpoint, intervalMs: Math.min(intervalMs, cancelPollMs), onProgress: (p) => onProgress?.(p, true) });
      }
    } catch (fault) {
      await dropPending(store, job.batchId);
      throw fault;
    }
  }
  const resolve = await prepare();
  if (!resolve) return { cancelled, progress, collected: false };
  await collectBatch(job, resolve, { ...endpoint, onResult });
  await dropPending(store, job.batchId);
  return { cancelled, progress, collected: true };
}
