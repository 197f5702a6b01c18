/**
 * parsePlanText, checkPlan and planTotals from core's sources. They are not exported from
 * @openpolicy/core's index yet; the module paths are computed at run time so that TypeScript
 * (whose rootDir is this package) does not pull core's files into this package's program.
 * Once core's index exports them, import them from "@openpolicy/core" instead.
 */
import type { Finding, Plan } from "@openpolicy/core";
import type { Snapshot } from "../../src/report/render-pull-request-report.js";

type PlanTotals = Snapshot["totals"];

const coreSource = (path: string) => new URL(`../../../core/src/${path}`, import.meta.url).href;

export const { parsePlanText } = (await import(coreSource("plan/index.js"))) as { parsePlanText: (text: string, file: string) => Plan };
export const { checkPlan } = (await import(coreSource("checks/index.js"))) as { checkPlan: (plan: Plan) => Finding[] };
export const { planTotals } = (await import(coreSource("report/plan-totals.js"))) as { planTotals: (plan: Plan) => PlanTotals };
