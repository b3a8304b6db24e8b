/**
 * Checking a large JSONL file on several threads. The file is cut into ranges of whole lines
 * (`lineRanges`); worker threads, each with its own copy of the compiled constitutions, check ranges
 * handed to them, and the command's own thread checks ranges too whenever it has nothing to write.
 * Reports are written strictly in file order, so the output is the same as a single thread's, and
 * only a few ranges' reports are ever held, so memory does not grow with the file.
 *
 * A worker runs `serveChecks` (the bundle dist/checkThread.js). It is started as soon as the command
 * knows it has a large file to read, and is sent the constitutions once they are read, so that its
 * start overlaps the command's own. A worker that fails hands its ranges back, and the command's
 * thread checks them itself.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { compileRuleset } from '../core/detectors/index.ts';
import type { LoadedConstitution, Ruleset } from '../core/detectors/types.ts';
import { checkRange, type Place, type RangeReport } from './checkRange.ts';
import { encodedPart } from './reportPart.ts';
import { clauseTables, type ClauseTables } from '../core/workspace/clauseTables.ts';
import type { ByteRange } from './lineReader.ts';
import type { Format } from './reportWriter.ts';

/** A range of a file to check, and where its part falls in the report. */
export interface PlacedRange {
  readonly range: ByteRange;
  readonly place: Place;
}

interface Request extends PlacedRange {
  readonly id: number;
  readonly path: string;
}

/**
 * The first message to a worker: the constitutions to compile, as the command parsed them (the model
 * is plain data), so that a worker spends its start on no Markdown or YAML; and the report's format,
 * which the worker writes its ranges' parts in.
 */
interface Setup {
  readonly constitutions: readonly LoadedConstitution[];
  readonly format: Format;
}

type Reply = { readonly id: number; readonly report: RangeReport } | { readonly id: number; readonly error: string };

/** Runs in a worker: compiles the constitutions it is sent first, then checks each range it is sent. */
export function serveChecks(): void {
  const port = parentPort;
  if (!port) throw new Error('serveChecks runs in a worker thread');
  let ruleset: Ruleset | undefined;
  let tables: ClauseTables | undefined;
  let format: Format = 'json';
  const encoder = new TextEncoder();
  port.on('message', (message: Setup | Request) => {
    if ('constitutions' in message) {
      ruleset = compileRuleset(message.constitutions);
      tables = clauseTables([...message.constitutions]);
      format = message.format;
      return;
    }
    const { id, path, range, place } = message;
    let reply: Reply;
    let transfer: ArrayBuffer[] = [];
    try {
      if (!ruleset || !tables) throw new Error('a range came before the constitutions');
      const report = checkRange(path, range, place, format, ruleset, tables);
      const encoded = encodedPart(report.part, encoder);
      reply = { id, report: { ...report, part: encoded.part } };
      transfer = encoded.transfer;
    } catch (error) {
      reply = { id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply, transfer);
  });
}

/** One worker thread and the ranges it has been sent and not yet answered. */
export class RangeWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(report: RangeReport): void; reject(error: Error): void }>();
  #nextId = 0;
  #alive = true;

  constructor(script: string) {
    this.#worker = new Worker(script);
    this.#worker.on('message', (reply: Reply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if ('report' in reply) pending?.resolve(reply.report);
      else pending?.reject(new Error(reply.error));
    });
    this.#worker.on('error', (error) => this.#stop(error));
    this.#worker.on('exit', (code) => this.#stop(new Error(`a check thread stopped with exit code ${code}`)));
  }

  /** Whether it still takes ranges. */
  get alive(): boolean {
    return this.#alive;
  }

  /** Ranges sent and not yet answered. */
  get outstanding(): number {
    return this.#pending.size;
  }

  /** Sends the constitutions and the report's format, before any range. */
  setUp(constitutions: readonly LoadedConstitution[], format: Format): void {
    this.#worker.postMessage({ constitutions, format } satisfies Setup);
  }

  check(path: string, { range, place }: PlacedRange): Promise<RangeReport> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, path, range, place } satisfies Request);
    });
  }

  async close(): Promise<void> {
    this.#alive = false;
    await this.#worker.terminate();
  }

  #stop(error: Error): void {
    this.#alive = false;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

/** How many ranges a worker is sent ahead, so that it has the next at hand when it finishes one. */
const sentAhead = 2;

/**
 * Checks the ranges of the file at `path` in order, sending them to `workers` and checking them with
 * `checkHere` on this thread, and hands each report to `emit` in file order, handing on no more while
 * what `emit` returns (the output's backlog) is pending. Reports done out of order or while the
 * output is behind are held until their turn, at most a few per thread.
 */
export async function checkInOrder(
  path: string,
  ranges: Iterator<PlacedRange>,
  checkHere: (range: PlacedRange) => RangeReport,
  workers: readonly RangeWorker[],
  emit: (report: RangeReport) => Promise<void> | undefined,
): Promise<void> {
  interface Job {
    readonly seq: number;
    readonly range: PlacedRange;
  }
  const done = new Map<number, RangeReport>();
  /** Jobs whose worker failed, for this thread to check. */
  const orphaned: Job[] = [];
  const window = 2 * sentAhead * (workers.length + 1);
  let emitted = 0;
  let taken = 0;
  let exhausted = false;
  let wake: (() => void) | undefined;

  const take = (): Job | undefined => {
    if (exhausted || taken >= emitted + window) return undefined;
    const next = ranges.next();
    if (next.done) {
      exhausted = true;
      return undefined;
    }
    return { seq: taken++, range: next.value };
  };
  const send = (worker: RangeWorker) => {
    while (worker.alive && worker.outstanding < sentAhead) {
      const job = take();
      if (!job) return;
      worker.check(path, job.range).then(
        (report) => done.set(job.seq, report),
        () => orphaned.push(job),
      ).finally(() => wake?.());
    }
  };

  /**
   * While the output is behind, reports wait in `done` and checking goes on, as far as the window
   * lets it: whoever reads the output (a pipe, a CI runner) may need a core that the threads hold.
   */
  let draining: Promise<void> | undefined;

  for (;;) {
    while (!draining && done.has(emitted)) {
      const report = done.get(emitted)!;
      done.delete(emitted++);
      draining = emit(report)?.then(() => {
        draining = undefined;
        wake?.();
      });
    }
    // This thread takes the next range before the workers are sent theirs, so that the top of the
    // file is checked here while a worker starts; a worker is sent ranges before it is ready and
    // checks them as soon as it is, rather than when this thread next looks up from a range.
    const job = orphaned.shift() ?? take();
    for (const worker of workers) send(worker);
    if (job) {
      done.set(job.seq, checkHere(job.range));
      // Checking a range holds this thread; the workers' answers wait until it lets go.
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    if (exhausted && emitted === taken) {
      await draining;
      return;
    }
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
}
