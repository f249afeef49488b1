export { runBench, SCENARIOS, METHOD } from './run.js';
export type { BenchResults, RunOptions, ScenarioName } from './run.js';
export { FULL, SMOKE } from './settings.js';
export type { BenchSettings } from './settings.js';
export { chart, computeRatios, judgeTargets, table } from './report.js';
export { percentile, summarise } from './stats.js';
