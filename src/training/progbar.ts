/**
 * Keras 2's progress bar (keras/utils/generic_utils.py Progbar), as the seed's users see it:
 *   Epoch 1/10
 *   120/120 [==============================] - 0s 2ms/step - loss: 0.0512 - mae: 0.1733 - val_loss: 0.0498
 * On a terminal the line is redrawn in place; elsewhere only the finished line is printed.
 */

export interface ProgbarOptions {
  width?: number;
  verbose?: number;
  /** Where text goes; defaults to process.stdout. */
  write?: (text: string) => void;
  /** Whether the output can redraw a line with \r (a TTY). */
  dynamic?: boolean;
  unitName?: string;
}

/** Keras formats metric values with 4 decimals, or in scientific notation when tiny. */
export function formatValue(v: number): string {
  if (Math.abs(v) > 1e-3 || v === 0) return v.toFixed(4);
  const [mant, exp] = v.toExponential(4).split('e');
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function formatTimePerUnit(seconds: number, unit: string): string {
  if (seconds >= 1 || seconds === 0) return ` ${seconds.toFixed(0)}s/${unit}`;
  if (seconds >= 1e-3) return ` ${(seconds * 1e3).toFixed(0)}ms/${unit}`;
  return ` ${(seconds * 1e6).toFixed(0)}us/${unit}`;
}

export class Progbar {
  private readonly target: number;
  private readonly width: number;
  private readonly verbose: number;
  private readonly write: (text: string) => void;
  private readonly dynamic: boolean;
  private readonly unitName: string;
  private readonly start = performance.now();
  private lastLength = 0;

  constructor(target: number, options: ProgbarOptions = {}) {
    this.target = target;
    this.width = options.width ?? 30;
    this.verbose = options.verbose ?? 1;
    this.write = options.write ?? ((t) => process.stdout.write(t));
    this.dynamic = options.dynamic ?? Boolean(process.stdout.isTTY);
    this.unitName = options.unitName ?? 'step';
  }

  /** Renders the bar for `current` steps done, with the given (already averaged) values. */
  update(current: number, values: [string, number][], finalize = current >= this.target): void {
    const elapsed = (performance.now() - this.start) / 1000;
    const metrics = values.map(([k, v]) => ` - ${k}: ${formatValue(v)}`).join('');
    if (this.verbose === 1) {
      if (!finalize && !this.dynamic) return;
      const digits = Math.floor(Math.log10(this.target)) + 1;
      let bar = `${String(current).padStart(digits)}/${this.target} [`;
      const progWidth = Math.floor((this.width * current) / this.target);
      if (progWidth > 0) bar += '='.repeat(progWidth - 1) + (current < this.target ? '>' : '=');
      bar += '.'.repeat(this.width - progWidth) + ']';
      let info: string;
      const perUnit = current > 0 ? elapsed / current : 0;
      if (finalize) info = ` - ${elapsed.toFixed(0)}s${formatTimePerUnit(perUnit, this.unitName)}`;
      else {
        const eta = perUnit * (this.target - current);
        info = ` - ETA: ${eta > 3600 ? `${Math.floor(eta / 3600)}:${String(Math.floor((eta % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(eta % 60)).padStart(2, '0')}` : eta > 60 ? `${Math.floor(eta / 60)}:${String(Math.floor(eta % 60)).padStart(2, '0')}` : `${eta.toFixed(0)}s`}`;
      }
      const line = bar + info + metrics;
      if (this.dynamic) {
        const pad = this.lastLength > line.length ? ' '.repeat(this.lastLength - line.length) : '';
        this.write(`\r${line}${pad}`);
        this.lastLength = line.length;
        if (finalize) this.write('\n');
      } else {
        this.write(`${line}\n`);
      }
    } else if (this.verbose === 2 && finalize) {
      const digits = Math.floor(Math.log10(this.target)) + 1;
      this.write(`${String(current).padStart(digits)}/${this.target} - ${elapsed.toFixed(0)}s${formatTimePerUnit(current ? elapsed / current : 0, this.unitName)}${metrics}\n`);
    }
  }
}
