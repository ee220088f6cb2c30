/**
 * Layer classes by Keras class_name, for `layers.deserialize` and model loading. Only registered
 * classes can be created from a config: nothing in a config ever names code to run.
 */
import { ValueError } from '../core/errors.js';
import type { Layer } from './layer.js';

export interface LayerClass {
  readonly className: string;
  fromConfig(config: Record<string, unknown>): Layer;
}

const registry = new Map<string, LayerClass>();

/** Makes a layer class (a custom one too) available to `deserialize` under its className. */
export function registerLayer(cls: LayerClass, name: string = cls.className): void {
  if (typeof cls.fromConfig !== 'function') {
    throw new ValueError(`registerLayer: class ${name} needs a static fromConfig(config) method.`);
  }
  registry.set(name, cls);
}

export function getLayerClass(name: string): LayerClass | undefined {
  return registry.get(name);
}

/** Creates a layer from Keras's serialized form `{ class_name, config }` (module and registered_name are ignored). */
export function deserialize(serialized: { class_name: string; config?: Record<string, unknown> }): Layer {
  if (!serialized || typeof serialized !== 'object' || typeof serialized.class_name !== 'string') {
    throw new ValueError('deserialize expects an object like { class_name: "Dense", config: { units: 10 } }.');
  }
  const cls = registry.get(serialized.class_name);
  if (!cls) {
    const known = [...registry.keys()].sort().join(', ');
    throw new ValueError(
      `Unknown layer: '${serialized.class_name}'. Known layers: ${known}. ` +
        'A custom layer must be registered first with registerLayer(MyLayer).',
    );
  }
  return cls.fromConfig(serialized.config ?? {});
}
