/** Keras's automatic names (keras/src/utils/naming.py): snake_case class name, then _1, _2, ... */

const counters = new Map<string, number>();

/** Keras's to_snake_case: Conv2DTranspose -> conv2d_transpose, SimpleRNN -> simple_rnn. */
export function toSnakeCase(name: string): string {
  let s = name.replace(/\W+/g, '');
  s = s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  s = s.replace(/([a-z])([A-Z])/g, '$1_$2');
  return s.toLowerCase();
}

/** 'dense' the first time, then 'dense_1', 'dense_2', ... (one global counter per prefix). */
export function uniqueName(prefix: string): string {
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Starts numbering afresh (Keras's clear_session does this). */
export function resetNames(): void {
  counters.clear();
}
