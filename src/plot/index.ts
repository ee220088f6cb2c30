/** Pictures of models and training: the layer graph and the loss and metric curves, as SVG strings. */
export { plotModel, type PlotModelOptions, type PlottableModel } from './plotModel.js';
export { plotHistory, niceTicks, type PlotHistoryOptions, type HistoryLike } from './plotHistory.js';
