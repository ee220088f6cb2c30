/**
 * The zip container of a `.keras` file. Reading parses the central directory here, so that every
 * declared size is checked against a cap before anything is inflated, and inflation (fflate) is fed in
 * small slices so that a member that lies about its size is stopped at the cap (zip bombs).
 * Writing stores members uncompressed, as Keras does.
 */
import { Inflate, zipSync } from 'fflate';
import { ValueError } from '../core/errors.js';

export class ZipError extends ValueError {}

export interface ZipLimits {
  /** Largest uncompressed size of any one member. */
  maxEntryBytes: number;
  /** Largest uncompressed size of all members together. */
  maxTotalBytes: number;
  /** Most members in the archive. */
  maxEntries: number;
}

interface Entry { name: string; method: number; compressedSize: number; size: number; crc: number; offset: number }

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function centralDirectory(bytes: Uint8Array, limits: ZipLimits): Entry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record sits in the last 22 + 65535 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new ZipError('Not a valid .keras file: the zip end-of-directory record is missing (truncated file?).');
  const count = view.getUint16(eocd + 10, true);
  const dirSize = view.getUint32(eocd + 12, true);
  const dirOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new ZipError('Zip64 archives are not supported for .keras files.');
  if (count > limits.maxEntries) throw new ZipError(`The .keras zip declares ${count} members; at most ${limits.maxEntries} are accepted.`);
  if (dirOffset + dirSize > eocd) throw new ZipError('Not a valid .keras file: the zip central directory lies outside the file.');
  const entries: Entry[] = [];
  let p = dirOffset;
  let total = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== 0x02014b50) throw new ZipError('Not a valid .keras file: corrupt zip central directory.');
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const offset = view.getUint32(p + 42, true);
    if (p + 46 + nameLen > eocd) throw new ZipError('Not a valid .keras file: corrupt zip central directory.');
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (flags & 1) throw new ZipError(`Zip member '${name}' is encrypted.`);
    if (method !== 0 && method !== 8) throw new ZipError(`Zip member '${name}' uses compression method ${method}; only stored (0) and deflate (8) are read.`);
    if (size > limits.maxEntryBytes) {
      throw new ZipError(`Zip member '${name}' declares ${size} bytes uncompressed, over the limit of ${limits.maxEntryBytes} (raise it with { maxBytes }).`);
    }
    total += size;
    if (total > limits.maxTotalBytes) throw new ZipError(`The .keras zip declares more than ${limits.maxTotalBytes} bytes uncompressed in all.`);
    if (method === 0 && compressedSize !== size) throw new ZipError(`Zip member '${name}' is stored but its sizes disagree.`);
    entries.push({ name, method, compressedSize, size, crc, offset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function inflateCapped(data: Uint8Array, size: number, name: string): Uint8Array {
  const out = new Uint8Array(size);
  let written = 0;
  const inflater = new Inflate((chunk) => {
    if (written + chunk.length > size) throw new ZipError(`Zip member '${name}' inflates to more than its declared ${size} bytes (a zip bomb?).`);
    out.set(chunk, written);
    written += chunk.length;
  });
  // Deflate expands at most ~1032x, so 16 KiB slices bound the memory of any one step.
  const SLICE = 16384;
  try {
    for (let i = 0; i < data.length; i += SLICE) inflater.push(data.subarray(i, i + SLICE), i + SLICE >= data.length);
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof ZipError) throw e;
    throw new ZipError(`Zip member '${name}' is not valid deflate data (${(e as Error).message}).`);
  }
  if (written !== size) throw new ZipError(`Zip member '${name}' inflates to ${written} bytes, not its declared ${size}.`);
  return out;
}

/** Reads the named members (all when `wanted` is omitted) after checking sizes and CRCs. */
export function readZip(bytes: Uint8Array, limits: ZipLimits, wanted?: string[]): Map<string, Uint8Array> {
  const entries = centralDirectory(bytes, limits);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, Uint8Array>();
  for (const e of entries) {
    if (wanted && !wanted.includes(e.name)) continue;
    if (out.has(e.name)) throw new ZipError(`Zip member '${e.name}' appears twice.`);
    if (e.offset + 30 > bytes.length || view.getUint32(e.offset, true) !== 0x04034b50) {
      throw new ZipError(`Zip member '${e.name}': its local header is missing or corrupt.`);
    }
    const start = e.offset + 30 + view.getUint16(e.offset + 26, true) + view.getUint16(e.offset + 28, true);
    if (start + e.compressedSize > bytes.length) throw new ZipError(`Zip member '${e.name}' runs past the end of the file (truncated?).`);
    const raw = bytes.subarray(start, start + e.compressedSize);
    const data = e.method === 0 ? raw : inflateCapped(raw, e.size, e.name);
    if (crc32(data) !== e.crc) throw new ZipError(`Zip member '${e.name}' fails its CRC check: the file is corrupt.`);
    out.set(e.name, data);
  }
  return out;
}

/** A zip with every member stored uncompressed (what Keras's saving_lib writes). */
export function writeZip(members: [string, Uint8Array][], date = new Date()): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  for (const [name, data] of members) files[name] = [data, { level: 0, mtime: date }];
  return zipSync(files);
}
