export { snapshotNamespace, SnapshotError } from "./snapshot-namespace.js";
export type { NamespaceSnapshot, SnapshotOptions, SnapshotTarget } from "./snapshot-namespace.js";
export { measureWorkload, podMetrics, podsOf, startupSeconds } from "./measure.js";
export type { Measured } from "./measure.js";
export { calibratePlan } from "./calibrate.js";
export type { Calibration, CalibrationChange } from "./calibrate.js";
