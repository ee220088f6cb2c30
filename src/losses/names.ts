/** The loss names Keras accepts (keras/src/losses/__init__.py ALL_OBJECTS_DICT), mapped to one canonical name. */

export const LOSS_NAMES = [
  'mean_squared_error',
  'mean_absolute_error',
  'binary_crossentropy',
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
  'huber',
  'log_cosh',
  'kl_divergence',
  'cosine_similarity',
  'hinge',
  'squared_hinge',
  'categorical_hinge',
  'mean_squared_logarithmic_error',
  'mean_absolute_percentage_error',
] as const;

export type LossName = (typeof LOSS_NAMES)[number];

function camelCase(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
function className(snake: string): string {
  const c = camelCase(snake);
  return c[0].toUpperCase() + c.slice(1);
}

const ALIASES = new Map<string, LossName>();
for (const name of LOSS_NAMES) {
  // snake_case (Keras's function names), camelCase (ours), and Keras's class names.
  for (const form of [name, camelCase(name), className(name)]) ALIASES.set(form, name);
}
// Class names that are not the snake_case name capitalised.
ALIASES.set('KLDivergence', 'kl_divergence');
ALIASES.set('LogCosh', 'log_cosh');
// Keras's short aliases; like Keras, lookups are case-sensitive.
for (const [alias, name] of [['mse', 'mean_squared_error'], ['MSE', 'mean_squared_error'], ['mae', 'mean_absolute_error'],
  ['MAE', 'mean_absolute_error'], ['bce', 'binary_crossentropy'], ['BCE', 'binary_crossentropy'],
  ['kld', 'kl_divergence'], ['KLD', 'kl_divergence'], ['msle', 'mean_squared_logarithmic_error'],
  ['MSLE', 'mean_squared_logarithmic_error'], ['mape', 'mean_absolute_percentage_error'],
  ['MAPE', 'mean_absolute_percentage_error'], ['logcosh', 'log_cosh']] as const) {
  ALIASES.set(alias, name);
}

/** The canonical snake_case name for any accepted spelling, or undefined for an unknown one. */
export function canonicalLossName(identifier: string): LossName | undefined {
  return ALIASES.get(identifier);
}

/** The spellings an error message lists. */
export function validLossNames(): string[] {
  return [...LOSS_NAMES, 'mse', 'mae', 'bce', 'kld', 'msle', 'mape'];
}
