/**
 * A minimal zip writer for tests and benches: deflated or stored entries, a central directory and
 * its end record, written entry by entry so that a large archive never sits in memory. It can also
 * write what a broken archive holds (an entry whose deflated data is garbage, or whose size is a lie).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
  /** Writes bytes that do not inflate in place of the entry's deflated data. */
  readonly corrupt?: boolean;
  /** The uncompressed size to declare, in place of the real one. */
  readonly declaredSize?: number;
}

/** Writes a zip archive to `path`, entry by entry. */
export class ZipWriter {
  readonly #fd: number;
  readonly #central: Buffer[] = [];
  #offset = 0;
  #count = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  add(entry: ZipEntry): void {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = entry.corrupt ? Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]) : deflateRawSync(entry.data);
    const crc = crc32(entry.data);
    const size = entry.declaredSize ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(this.#offset, 42);
    this.#central.push(central, name);
    for (const part of [local, name, compressed]) this.#write(part);
    this.#count++;
  }

  /** The bytes written so far. */
  get bytes(): number {
    return this.#offset;
  }

  close(): void {
    const start = this.#offset;
    for (const part of this.#central) this.#write(part);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.#count, 8);
    end.writeUInt16LE(this.#count, 10);
    end.writeUInt32LE(this.#offset - start, 12);
    end.writeUInt32LE(start, 16);
    this.#write(end);
    closeSync(this.#fd);
  }

  #write(part: Buffer): void {
    writeSync(this.#fd, part);
    this.#offset += part.length;
  }
}

/** Writes a whole archive of `entries` to `path`. */
export function writeZip(path: string, entries: readonly ZipEntry[]): void {
  const writer = new ZipWriter(path);
  for (const e of entries) writer.add(e);
  writer.close();
}
