/**
 * Standard output for a command whose output goes into a pipe or a socket (`check ... | jq`, a CI
 * runner, a parent process). Node's own stream writes such an output from the event loop, and so
 * only between two stretches of work: while `check` reads a range on the command's thread, the pipe
 * fills, its reader waits, and the report falls behind until the command's thread looks up. Here
 * each write goes to libuv's thread pool, which writes whatever has gathered and waits on the pipe
 * there, while the command's thread goes on checking.
 *
 * The descriptor is written as it is. Should it refuse to wait (`EAGAIN`: a descriptor another part
 * of the process, or another process, set non-blocking), what is left goes through `fallback`,
 * which waits for the pipe in the event loop, in order after what was written here.
 */
import { fstatSync, write } from 'node:fs';
import { Writable } from 'node:stream';

/** How much output may wait before a writer is asked to pause. */
const highWaterMark = 1 << 20;

export class PipeOutput extends Writable {
  readonly #fd: number;
  readonly #fallback: () => NodeJS.WritableStream;
  #fellBack: NodeJS.WritableStream | undefined;

  /** `fallback` gives the stream to write through once `fd` refuses to wait; it is asked for then. */
  constructor(fd: number, fallback: () => NodeJS.WritableStream) {
    super({ highWaterMark, decodeStrings: true });
    this.#fd = fd;
    this.#fallback = fallback;
  }

  /** Whatever has gathered since the last write (more than one chunk) goes out in one. */
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.#send(Buffer.concat(chunks.map((c) => c.chunk)), callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#send(chunk, callback);
  }

  #send(data: Buffer, callback: (error?: Error | null) => void): void {
    if (this.#fellBack) {
      this.#fellBack.write(data, callback);
      return;
    }
    write(this.#fd, data, 0, data.length, null, (error, written) => {
      if (error && (error as NodeJS.ErrnoException).code === 'EAGAIN') {
        this.#fellBack = this.#fallback();
        this.#send(data, callback);
      } else if (error) {
        callback(error);
      } else if (written < data.length) {
        this.#send(data.subarray(written), callback);
      } else {
        callback();
      }
    });
  }
}

/**
 * Standard output as the command writes it: a {@link PipeOutput} where it is a pipe or a socket,
 * else `process.stdout` (a file or a terminal, which Node writes at once).
 */
export function commandOutput(): NodeJS.WritableStream {
  let piped = false;
  try {
    const stat = fstatSync(1);
    piped = stat.isFIFO() || stat.isSocket();
  } catch {
    // No standard output to look at: Node's stream says what is wrong when it is written.
  }
  return piped ? new PipeOutput(1, () => process.stdout) : process.stdout;
}
