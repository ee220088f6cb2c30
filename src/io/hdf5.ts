/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly, in memory). Files are copied into
 * Emscripten's in-memory file system only: the browser/ESM build is used on purpose, because h5wasm's
 * Node build maps the real disk (NODERAWFS), where an HDF5 external link could open any file.
 * Reads are defensive: links are never followed, datasets are checked for dtype and shape before their
 * data is read, and HDF5's own diagnostics are collected into the error instead of printed.
 */
import type * as H5 from 'h5wasm';
import { ValueError } from '../core/errors.js';

type H5Lib = typeof import('h5wasm');
let lib: Promise<H5Lib> | null = null;
/** HDF5 diagnostics printed while `sink` is set are collected here instead of reaching stderr. */
let sink: string[] | null = null;

/** Loads h5wasm once. Its stderr writer is bound to console.error at start-up, so route it through us. */
function h5(): Promise<H5Lib> {
  if (!lib) {
    lib = (async () => {
      const original = console.error;
      console.error = (...args: unknown[]) => {
        if (sink) sink.push(args.map(String).join(' '));
        else original.apply(console, args);
      };
      try {
        const mod = await import('h5wasm');
        await mod.ready;
        return mod;
      } finally {
        console.error = original;
      }
    })();
  }
  return lib;
}

export class HDF5Error extends ValueError {}

let fileCounter = 0;

/** Runs `fn` with HDF5 diagnostics captured; a failure becomes an HDF5Error naming `what`. */
function guarded<T>(what: string, fn: () => T): T {
  const outer = sink;
  const lines: string[] = [];
  sink = lines;
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValueError) throw e;
    const detail = lines.join('\n').match(/minor: (.*)/)?.[1] ?? (e instanceof Error ? e.message : String(e));
    throw new HDF5Error(`${what}: the HDF5 data is corrupt or unsupported (${String(detail).trim().slice(0, 200)}).`);
  } finally {
    sink = outer;
  }
}

export interface DatasetInfo {
  shape: number[];
  /** 'float32' | 'float64' | 'int64' | ... as read from the HDF5 type. */
  dtype: string;
}

/** A read-only view of one HDF5 file held in memory. */
export class H5Reader {
  private constructor(private readonly lib: H5Lib, private readonly file: H5.File, private readonly fsPath: string,
    readonly byteLength: number) {}

  static async open(bytes: Uint8Array, what = 'HDF5 file'): Promise<H5Reader> {
    const lib = await h5();
    const fsPath = `/kerats-read-${fileCounter++}.h5`;
    lib.FS!.writeFile(fsPath, bytes);
    try {
      const file = guarded(what, () => new lib.File(fsPath, 'r'));
      return new H5Reader(lib, file, fsPath, bytes.length);
    } catch (e) {
      lib.FS!.unlink(fsPath);
      throw e;
    }
  }

  close(): void {
    try {
      guarded('closing HDF5 file', () => this.file.close());
    } finally {
      this.lib.FS!.unlink(this.fsPath);
    }
  }

  /** The names of a group's members ('' is the root); null when the path is not a plain group. */
  keys(path: string): string[] | null {
    const g = this.group(path);
    return g ? guarded(`reading group /${path}`, () => g.keys()) : null;
  }

  has(path: string): boolean {
    return this.entity(path) !== null;
  }

  isGroup(path: string): boolean {
    return this.group(path) !== null;
  }

  /** Attribute names of a group or dataset. */
  attrNames(path: string): string[] {
    const e = this.entity(path);
    if (!e) return [];
    return guarded(`reading attributes of /${path}`, () => Object.keys(e.attrs));
  }

  /** An attribute's value, strings decoded (fixed-length bytes or variable-length alike). */
  attr(path: string, name: string): unknown {
    const e = this.entity(path);
    if (!e) return undefined;
    return guarded(`reading attribute ${name} of /${path}`, () => {
      const a = e.attrs[name];
      if (!a) return undefined;
      const size = (a.shape ?? []).reduce((n, d) => n * d, 1);
      if (size > 1_000_000 || (a.metadata.size ?? 0) * size > 64_000_000) throw new HDF5Error(`Attribute ${name} of /${path} is absurdly large.`);
      return a.value;
    });
  }

  datasetInfo(path: string): DatasetInfo {
    const d = this.entity(path);
    if (!(d instanceof this.lib.Dataset)) throw new HDF5Error(`Expected a dataset at /${path}.`);
    return guarded(`reading dataset /${path}`, () => {
      const m = d.metadata;
      const shape = m.shape ?? [];
      let dtype = 'unknown';
      if (m.type === 1 && m.size === 4) dtype = 'float32';
      else if (m.type === 1 && m.size === 8) dtype = 'float64';
      else if (m.type === 1 && m.size === 2) dtype = 'float16';
      else if (m.type === 0) dtype = `${m.signed ? 'int' : 'uint'}${m.size * 8}`;
      return { shape, dtype };
    });
  }

  /**
   * A float dataset's values as float32, after checking its shape equals `expectedShape` (so no
   * absurd size is ever read). Integer and other types are refused.
   */
  readFloats(path: string, expectedShape: number[], what: string): Float32Array {
    const info = this.datasetInfo(path);
    const same = info.shape.length === expectedShape.length && info.shape.every((d, i) => d === expectedShape[i]);
    if (!same) {
      throw new ValueError(`${what}: expected a weight of shape (${expectedShape.join(', ')}). Received: shape (${info.shape.join(', ')}) at /${path}.`);
    }
    if (info.dtype !== 'float32' && info.dtype !== 'float64') {
      throw new ValueError(`${what}: expected float32 or float64 data. Received: ${info.dtype} at /${path}.`);
    }
    const d = this.entity(path) as H5.Dataset;
    const value = guarded(`reading dataset /${path}`, () => d.value);
    const size = expectedShape.reduce((n, k) => n * k, 1);
    if (!(value instanceof Float32Array || value instanceof Float64Array) || value.length !== size) {
      throw new ValueError(`${what}: the data at /${path} could not be read as ${size} floats.`);
    }
    return value instanceof Float32Array ? value : Float32Array.from(value);
  }

  /** Resolves a path one hard link at a time; refuses soft and external links. */
  private entity(path: string): H5.Group | H5.Dataset | null {
    const parts = path.split('/').filter((p) => p.length > 0);
    let current: H5.Group = this.file;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i];
      if (name === '.' || name === '..') throw new HDF5Error(`Refusing the HDF5 path /${path}.`);
      const here = current;
      const full = `${here.path === '/' ? '' : here.path}/${name}`;
      const next = guarded(`reading /${parts.slice(0, i + 1).join('/')}`, () => {
        if (!here.keys().includes(name)) return null;
        if (here.get_link(full) !== null) throw new HDF5Error(`Refusing the soft link at ${full}: kerats reads only plain groups and datasets.`);
        const ext = here.get_external_link(full) as { filename?: string };
        if (ext && ext.filename !== undefined) throw new HDF5Error(`Refusing the external link at ${full} (to '${ext.filename}'): a model file may not point to other files.`);
        return here.get(name);
      });
      if (next === null) return null;
      if (i === parts.length - 1) {
        if (next instanceof this.lib.Group || next instanceof this.lib.Dataset) return next;
        throw new HDF5Error(`Unexpected HDF5 object at ${full}: expected a group or dataset.`);
      }
      if (!(next instanceof this.lib.Group)) return null;
      current = next;
    }
    return current;
  }

  private group(path: string): H5.Group | null {
    const e = this.entity(path);
    return e instanceof this.lib.Group ? e : null;
  }
}

/** Builds an HDF5 file in memory; `finish()` returns its bytes. */
export class H5Writer {
  private constructor(private readonly lib: H5Lib, private readonly file: H5.File, private readonly fsPath: string) {}

  static async create(): Promise<H5Writer> {
    const lib = await h5();
    const fsPath = `/kerats-write-${fileCounter++}.h5`;
    const file = guarded('creating HDF5 file', () => new lib.File(fsPath, 'w'));
    return new H5Writer(lib, file, fsPath);
  }

  /** Creates the group at `path` and any missing parents. */
  group(path: string): void {
    guarded(`creating group /${path}`, () => {
      let current: H5.Group = this.file;
      for (const name of path.split('/').filter((p) => p)) {
        current = current.keys().includes(name) ? (current.get(name) as H5.Group) : current.create_group(name);
      }
    });
  }

  dataset(path: string, data: Float32Array, shape: number[]): void {
    const cut = path.lastIndexOf('/');
    const parent = path.slice(0, cut);
    this.group(parent);
    guarded(`writing dataset /${path}`, () => {
      const g = parent ? (this.file.get(parent) as H5.Group) : this.file;
      g.create_dataset({ name: path.slice(cut + 1), data, shape, dtype: '<f' });
    });
  }

  /** A string attribute (variable-length UTF-8, as h5py writes a Python str). */
  attr(path: string, name: string, value: string | string[]): void {
    guarded(`writing attribute ${name}`, () => {
      const target = path ? (this.file.get(path) as H5.Group) : this.file;
      target.create_attribute(name, value);
    });
  }

  finish(): Uint8Array {
    try {
      guarded('closing HDF5 file', () => this.file.close());
      return new Uint8Array(this.lib.FS!.readFile(this.fsPath));
    } finally {
      this.lib.FS!.unlink(this.fsPath);
    }
  }
}
