export * from "./pod-request.js";
export * from "./filter.js";
export * from "./score.js";
export * from "./message.js";
export * from "./schedule.js";
export * from "./nodes.js";
export * from "./packing.js";
export { mulberry32 } from "./prng.js";
