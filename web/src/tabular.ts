/**
 * `wg.data`: pandas-style tables from CSV (`readCsv` → `DataFrame`), scikit-learn's
 * `trainTestSplit`, and the bundled data sets (`wg.data.datasets`).
 *
 * @module
 */
// `wg.data`: tables from CSV (`readCsv` → `DataFrame`), `trainTestSplit`, and the bundled data
// sets (`wg.data.datasets`, also `wg.datasets`).
export { readCsv, trainTestSplit, DataFrame, MAX_CSV_BYTES } from './frame.js';
export type { ReadCsvOptions, ToTensorsOptions, Tensors, Impute, Description, TrainTestSplitOptions, Split, Cell, ColumnInfo } from './frame.js';
export * as datasets from './data.js';
