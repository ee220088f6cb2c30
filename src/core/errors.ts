/** Errors carry Keras's wording: what was expected, what was received, and how to fix it. */

/** Wrong argument value (Keras raises ValueError). */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** A shape that does not fit what a layer or op needs. */
export class ShapeError extends ValueError {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** Builds the one message format every shape error uses: who, expected, received, fix. */
export function shapeErrorMessage(parts: {
  where: string;
  expected: string;
  received: string;
  fix?: string | string[];
}): string {
  const fixes = parts.fix === undefined ? [] : Array.isArray(parts.fix) ? parts.fix : [parts.fix];
  let msg = `${parts.where}: expected ${parts.expected}. Received: ${parts.received}.`;
  for (const f of fixes) msg += `\n  Fix: ${f}`;
  return msg;
}
