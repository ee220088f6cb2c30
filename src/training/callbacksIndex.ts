/** `callbacks`: Keras's keras.callbacks, camelCase. */
export { Callback, CallbackList, History, ProgbarLogger, type CallbackLike, type Logs } from './callbacks.js';
export { EarlyStopping, type EarlyStoppingArgs } from './callbacks/earlyStopping.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauArgs } from './callbacks/reduceLrOnPlateau.js';
export { LearningRateScheduler } from './callbacks/learningRateScheduler.js';
export { CSVLogger } from './callbacks/csvLogger.js';
export { TerminateOnNaN } from './callbacks/terminateOnNaN.js';
