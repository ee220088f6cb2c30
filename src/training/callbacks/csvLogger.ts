/**
 * CSVLogger (keras/src/callbacks/csv_logger.py): one row per epoch, header `epoch` then the sorted log
 * keys. node:fs is imported when training starts, so bundles for the browser do not pull it in.
 */
import { Callback, type Logs } from '../callbacks.js';

type Fs = typeof import('node:fs');

/** Python's str() of a float, as Keras's csv writer prints it. */
function formatCell(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

export class CSVLogger extends Callback {
  readonly separator: string;
  readonly append: boolean;
  private fs: Fs | null = null;
  private keys: string[] | null = null;
  private writeHeader = true;

  constructor(readonly filename: string, args: { separator?: string; append?: boolean } = {}) {
    super();
    this.separator = args.separator ?? ',';
    this.append = args.append ?? false;
  }

  async onTrainBegin(): Promise<void> {
    this.fs = await import('node:fs');
    this.keys = null;
    if (this.append && this.fs.existsSync(this.filename)) {
      // A header is written only into an empty file.
      this.writeHeader = this.fs.readFileSync(this.filename, 'utf8').split('\n')[0].length === 0;
    } else {
      this.writeHeader = true;
      this.fs.writeFileSync(this.filename, '');
    }
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (!this.fs) return;
    let text = '';
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      // Python's csv module ends rows with \r\n (the excel dialect).
      if (this.writeHeader) text += ['epoch', ...this.keys].join(this.separator) + '\r\n';
    }
    const row = [String(epoch), ...this.keys.map((k) => (k in logs ? formatCell(logs[k]) : 'NA'))];
    this.fs.appendFileSync(this.filename, text + row.join(this.separator) + '\r\n');
  }

  onTrainEnd(): void {
    this.keys = null;
  }
}
