/** Callbacks with Keras's hook names; `History` is always attached and returned by fit(). */
import { Progbar, type ProgbarOptions } from './progbar.js';

export type Logs = Record<string, number>;

/** Any object with some of these methods works as a callback (Keras's hook names, camelCase). */
export interface CallbackLike {
  setModel?(model: unknown): void;
  setParams?(params: Record<string, unknown>): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onTrainBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onTrainBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  onTestBegin?(logs: Logs): void | Promise<void>;
  onTestEnd?(logs: Logs): void | Promise<void>;
  onPredictBegin?(logs: Logs): void | Promise<void>;
  onPredictEnd?(logs: Logs): void | Promise<void>;
}

export class Callback implements CallbackLike {
  model: unknown = null;
  params: Record<string, unknown> = {};
  setModel(model: unknown): void { this.model = model; }
  setParams(params: Record<string, unknown>): void { this.params = params; }
}

/** Records each epoch's logs: `history.history.loss[i]`, `history.history.val_loss[i]`, ... */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};
  onTrainBegin(): void {
    this.epoch = [];
  }
  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

/** Prints "Epoch i/n" and the progress bar (verbose 1) or one line per epoch (verbose 2). */
export class ProgbarLogger extends Callback {
  private bar: Progbar | null = null;
  private seen = 0;
  constructor(private readonly verbose: number, private readonly options: ProgbarOptions = {}) {
    super();
  }
  private get write(): (t: string) => void {
    return this.options.write ?? ((t) => process.stdout.write(t));
  }
  /** Steps per epoch, or null while a generator's first pass has unknown length. */
  private get steps(): number | null {
    const s = this.params.steps;
    return typeof s === 'number' && s > 0 ? s : null;
  }
  onEpochBegin(epoch: number): void {
    const epochs = Number(this.params.epochs ?? 1);
    this.write(`Epoch ${epoch + 1}/${epochs}\n`);
    const steps = this.steps;
    this.bar = steps === null ? null : new Progbar(steps, { ...this.options, verbose: this.verbose });
    this.seen = 0;
  }
  onTrainBatchEnd(batch: number, logs: Logs): void {
    this.seen = batch + 1;
    const steps = this.steps;
    if (steps !== null && this.seen < steps) this.bar?.update(this.seen, Object.entries(logs), false);
  }
  onEpochEnd(_epoch: number, logs: Logs): void {
    // An epoch of unknown length is drawn once it has ended.
    const bar = this.bar ?? new Progbar(Math.max(1, this.seen), { ...this.options, verbose: this.verbose });
    bar.update(this.steps ?? Math.max(1, this.seen), Object.entries(logs), true);
  }
}

export class CallbackList {
  constructor(readonly callbacks: CallbackLike[]) {}
  setModel(model: unknown): void { for (const c of this.callbacks) c.setModel?.(model); }
  setParams(params: Record<string, unknown>): void { for (const c of this.callbacks) c.setParams?.(params); }
  /** Whether any callback defines `hook` (fit skips building a batch's logs that nobody reads). */
  has(hook: keyof CallbackLike): boolean {
    return this.callbacks.some((c) => typeof c[hook] === 'function');
  }
  async call<K extends keyof CallbackLike>(hook: K, ...args: unknown[]): Promise<void> {
    for (const c of this.callbacks) {
      const fn = c[hook] as ((...a: unknown[]) => void | Promise<void>) | undefined;
      if (fn) await fn.apply(c, args);
    }
  }
}
