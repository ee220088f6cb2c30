/**
 * Reads a Keras layer call written as in Python — `Conv1D(32, 5, strides=2, padding='same')` — and
 * turns it into the config `layers.deserialize` takes, so every registered layer works without a
 * per-layer parser. Values: ints, floats, strings in ' or ", True/False/None, tuples and lists.
 */
import { ValueError } from '../core/errors.js';

export type PyValue = number | string | boolean | null | PyValue[];

export interface ParsedCall {
  /** The class name, without any module prefix (`layers.Dense` and `tf.keras.layers.Dense` give `Dense`). */
  className: string;
  args: PyValue[];
  kwargs: Record<string, PyValue>;
}

type Token = { kind: 'name' | 'number' | 'string' | 'punct'; text: string; value?: PyValue; pos: number };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i])) i++;
      tokens.push({ kind: 'name', text: src.slice(start, i), pos: start });
    } else if (/[0-9]/.test(c) || ((c === '-' || c === '+' || c === '.') && /[0-9.]/.test(src[i + 1] ?? ''))) {
      const m = /^[-+]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?/.exec(src.slice(i));
      if (!m) throw new ValueError(`Cannot read a number at position ${i + 1}: ${src.slice(i, i + 10)}`);
      i += m[0].length;
      const value = Number(m[0].replace(/_/g, ''));
      if (!Number.isFinite(value)) throw new ValueError(`Cannot read the number '${m[0]}' at position ${start + 1}.`);
      tokens.push({ kind: 'number', text: m[0], value, pos: start });
    } else if (c === '"' || c === "'") {
      i++;
      let s = '';
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) { s += src[i + 1]; i += 2; } else s += src[i++];
      }
      if (i >= src.length) throw new ValueError(`Unterminated string starting at position ${start + 1}: ${src.slice(start)}`);
      i++;
      tokens.push({ kind: 'string', text: src.slice(start, i), value: s, pos: start });
    } else if ('()[],=.'.includes(c)) {
      i++;
      tokens.push({ kind: 'punct', text: c, pos: start });
    } else {
      throw new ValueError(`Unexpected character '${c}' at position ${i + 1}.`);
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined { return this.tokens[this.i]; }
  private fail(what: string): never {
    const t = this.peek();
    throw new ValueError(`Cannot parse the layer call: expected ${what} ${t ? `at position ${t.pos + 1} ('${t.text}')` : 'before the end'}. Write it as in Python, e.g. Conv1D(32, 5, strides=2, padding='same').`);
  }
  private eat(text: string): boolean {
    const t = this.peek();
    if (t && t.kind === 'punct' && t.text === text) { this.i++; return true; }
    return false;
  }
  private expect(text: string, what = `'${text}'`): void {
    if (!this.eat(text)) this.fail(what);
  }

  call(): ParsedCall {
    const first = this.peek();
    if (!first || first.kind !== 'name') this.fail('a layer name such as Dense');
    let className = this.tokens[this.i++].text;
    while (this.eat('.')) {
      const t = this.peek();
      if (!t || t.kind !== 'name') this.fail('a name after "."');
      className = this.tokens[this.i++].text;
    }
    const args: PyValue[] = [];
    const kwargs: Record<string, PyValue> = {};
    // A bare name (`Flatten`) is a call without arguments.
    if (this.peek() === undefined) return { className, args, kwargs };
    this.expect('(', `'(' after ${className}`);
    while (!this.eat(')')) {
      const t = this.peek();
      const next = this.tokens[this.i + 1];
      if (t?.kind === 'name' && next?.kind === 'punct' && next.text === '=') {
        this.i += 2;
        if (t.text in kwargs) throw new ValueError(`Keyword argument repeated: ${t.text}.`);
        kwargs[t.text] = this.value();
      } else {
        if (Object.keys(kwargs).length > 0) this.fail('a keyword argument (positional arguments must come first)');
        args.push(this.value());
      }
      if (!this.eat(',')) { this.expect(')', "',' or ')'"); break; }
    }
    if (this.peek()) this.fail('the end of the call');
    return { className, args, kwargs };
  }

  private value(): PyValue {
    const t = this.peek();
    if (!t) this.fail('a value');
    if (t.kind === 'number' || t.kind === 'string') { this.i++; return t.value!; }
    if (t.kind === 'name') {
      this.i++;
      if (t.text === 'True') return true;
      if (t.text === 'False') return false;
      if (t.text === 'None') return null;
      throw new ValueError(`Cannot parse the layer call: '${t.text}' at position ${t.pos + 1} is not a value; put strings in quotes ('${t.text}').`);
    }
    if (t.text === '(' || t.text === '[') {
      this.i++;
      const close = t.text === '(' ? ')' : ']';
      const items: PyValue[] = [];
      let comma = false;
      while (!this.eat(close)) {
        items.push(this.value());
        comma = this.eat(',');
        if (!comma) { this.expect(close, `',' or '${close}'`); break; }
      }
      // (x) is just x in Python; (x,) is a one-item tuple.
      if (close === ')' && items.length === 1 && !comma) return items[0];
      return items;
    }
    return this.fail('a value');
  }
}

/** Parses `ClassName(arg, ..., key=value, ...)`. Throws a ValueError that says where it stopped. */
export function parseCall(text: string): ParsedCall {
  if (typeof text !== 'string' || text.trim() === '') throw new ValueError("Empty layer call. Example: \"Conv1D(32, 5, strides=2, padding='same')\".");
  return new Parser(tokenize(text)).call();
}

/** Keras's positional parameters, in order, by class (the names their configs use). */
const POSITIONAL: Record<string, string[]> = {
  Dense: ['units', 'activation', 'use_bias'],
  Activation: ['activation'],
  Conv1D: ['filters', 'kernel_size', 'strides', 'padding'],
  Conv2D: ['filters', 'kernel_size', 'strides', 'padding'],
  Conv3D: ['filters', 'kernel_size', 'strides', 'padding'],
  Conv1DTranspose: ['filters', 'kernel_size', 'strides', 'padding'],
  Conv2DTranspose: ['filters', 'kernel_size', 'strides', 'padding'],
  Conv3DTranspose: ['filters', 'kernel_size', 'strides', 'padding'],
  SeparableConv1D: ['filters', 'kernel_size', 'strides', 'padding'],
  SeparableConv2D: ['filters', 'kernel_size', 'strides', 'padding'],
  DepthwiseConv2D: ['kernel_size', 'strides', 'padding'],
  SimpleRNN: ['units', 'activation'],
  LSTM: ['units', 'activation', 'recurrent_activation'],
  GRU: ['units', 'activation', 'recurrent_activation'],
  Reshape: ['target_shape'],
  Flatten: ['data_format'],
  Permute: ['dims'],
  RepeatVector: ['n'],
  Dropout: ['rate', 'noise_shape', 'seed'],
  SpatialDropout1D: ['rate'],
  SpatialDropout2D: ['rate'],
  GaussianNoise: ['stddev'],
  GaussianDropout: ['rate'],
  MaxPooling1D: ['pool_size', 'strides', 'padding'],
  MaxPooling2D: ['pool_size', 'strides', 'padding'],
  AveragePooling1D: ['pool_size', 'strides', 'padding'],
  AveragePooling2D: ['pool_size', 'strides', 'padding'],
  GlobalMaxPooling1D: ['data_format'],
  GlobalMaxPooling2D: ['data_format'],
  GlobalAveragePooling1D: ['data_format'],
  GlobalAveragePooling2D: ['data_format'],
  BatchNormalization: ['axis', 'momentum', 'epsilon'],
  LayerNormalization: ['axis', 'epsilon'],
  Concatenate: ['axis'],
  Embedding: ['input_dim', 'output_dim'],
  UpSampling1D: ['size'],
  UpSampling2D: ['size'],
  ZeroPadding1D: ['padding'],
  ZeroPadding2D: ['padding'],
  Cropping1D: ['cropping'],
  Cropping2D: ['cropping'],
  LeakyReLU: ['negative_slope'],
  ELU: ['alpha'],
  Softmax: ['axis'],
};

/** camelCase -> snake_case, so `kernelSize=3` works as well as `kernel_size=3`. */
const toSnake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

export interface LayerCallConfig {
  serialized: { class_name: string; config: Record<string, unknown> };
  /** The sample shape from `input_shape=...` in the call, if any (no batch axis). */
  inputShape: (number | null)[] | null;
}

/**
 * A parsed call as `{class_name, config}` for layers.deserialize: positional arguments take their Keras
 * names in order, keywords keep their snake_case names, `input_shape` becomes `batch_input_shape`.
 */
export function callToConfig(call: ParsedCall): LayerCallConfig {
  const names = POSITIONAL[call.className] ?? [];
  if (call.args.length > names.length) {
    const takes = names.length ? `at most ${names.length} positional argument(s) (${names.join(', ')})` : 'no positional arguments';
    throw new ValueError(`${call.className} takes ${takes}; pass the others by keyword, e.g. ${call.className}(..., name=value).`);
  }
  const config: Record<string, unknown> = {};
  call.args.forEach((v, i) => (config[names[i]] = v));
  let inputShape: (number | null)[] | null = null;
  for (const [key, value] of Object.entries(call.kwargs)) {
    const name = toSnake(key);
    if (name in config) throw new ValueError(`${call.className} got two values for '${name}' (one positional, one keyword).`);
    if (name === 'input_shape') {
      const shape = Array.isArray(value) ? value : [value];
      if (!shape.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0))) {
        throw new ValueError(`input_shape must be a tuple of positive integers or None. Received: input_shape=${JSON.stringify(value)}.`);
      }
      inputShape = shape as (number | null)[];
      config.batch_input_shape = [null, ...inputShape];
    } else {
      config[name] = value;
    }
  }
  return { serialized: { class_name: call.className, config }, inputShape };
}

/** Keyword names every layer accepts besides those its getConfig lists. */
export const BASE_KEYWORDS = ['name', 'trainable', 'dtype', 'input_shape', 'batch_input_shape', 'batch_shape', 'batch_size'];
