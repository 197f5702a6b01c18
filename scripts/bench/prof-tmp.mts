import { parsePlanText } from "@openpolicy/core";
import { generatePlanYaml } from "./generate-plan.js";
const text = generatePlanYaml({ services: 10000, nodes: 100 });
const t0 = performance.now();
parsePlanText(text, "g.yaml");
console.log("parse ms", performance.now() - t0);
