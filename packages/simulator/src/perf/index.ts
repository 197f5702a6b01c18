export { runPerfProbe } from "./run-perf-probe.js";
export type { PerfProbeOptions, PerfReport, PerfServiceReport, PerfTarget } from "./run-perf-probe.js";
export type { PerfStats } from "./stats.js";
export { describeErrorCodes } from "./stats.js";
export { refuseUnlessAllowedTarget } from "./allowed-target.js";
