import pkg from "../package.json" with { type: "json" };

/** Reported in SARIF and the JSON report; the action's release tags (v1, v1.2.3) follow it. */
export const VERSION: string = pkg.version;
