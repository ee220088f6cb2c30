/**
 * Layer configs from the real Keras files in shared/fixtures/keras-files (see SOURCES.md there), for
 * the layer config tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURE_DIRS = [process.env.KERATS_FIXTURES, 'shared/fixtures/keras-files', '../shared/fixtures/keras-files']
  .filter((d): d is string => typeof d === 'string');

/** A member of a .keras zip; Keras stores members uncompressed, so the local header is enough. */
function readStoredZipMember(zip: Buffer, name: string): string {
  const signature = Buffer.from([0x50, 0x4b, 0x03, 0x04]); // "PK\3\4", a local file header
  for (let at = zip.indexOf(signature); at >= 0; at = zip.indexOf(signature, at + 4)) {
    const method = zip.readUInt16LE(at + 8);
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extraLength = zip.readUInt16LE(at + 28);
    if (method === 0 && zip.toString('utf8', at + 30, at + 30 + nameLength) === name) {
      const start = at + 30 + nameLength + extraLength;
      return zip.toString('utf8', start, start + size);
    }
  }
  throw new Error(`${name} not found (stored) in the zip`);
}

/** Drops the `shared_object_id` keys Keras's saver adds (Python object ids, not part of get_config). */
export function stripSharedObjectIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSharedObjectIds);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'shared_object_id').map(([k, v]) => [k, stripSharedObjectIds(v)]));
  }
  return value;
}

/**
 * The `config` of every layer of class `className` in the .keras file `file` (shared_object_id keys
 * stripped), or null when the fixtures folder is not present.
 */
export function fixtureLayerConfigs(file: string, className: string): Record<string, unknown>[] | null {
  const dir = FIXTURE_DIRS.find((d) => existsSync(join(d, file)));
  if (!dir) return null;
  const model = JSON.parse(readStoredZipMember(readFileSync(join(dir, file)), 'config.json'));
  return (model.config.layers as { class_name: string; config: unknown }[])
    .filter((l) => l.class_name === className)
    .map((l) => stripSharedObjectIds(l.config) as Record<string, unknown>);
}
