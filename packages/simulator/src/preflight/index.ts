export { preflight, PREFLIGHT_CHECKS } from "./preflight.js";
export type { PreflightOptions, PreflightReport } from "./preflight.js";
export type { PreflightTarget } from "./context.js";
export { normalizeImage, defaultPullPolicy, kindClusterName, NODE_STATUS_MAX_IMAGES } from "./images.js";
export { deployPermissions, ACCESS_REVIEW_PATH } from "./permissions.js";
export type { Permission } from "./permissions.js";
