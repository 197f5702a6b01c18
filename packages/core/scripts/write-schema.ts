/**
 * Writes schema/plan.schema.json from the zod plan schema, so editors (yaml-language-server, VS
 * Code) validate and complete plans. Run from packages/core:
 *   node --conditions=source --import tsx scripts/write-schema.ts
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { planJsonSchema } from "../src/plan/json-schema.js";

const here = dirname(fileURLToPath(import.meta.url));
const target = resolve(here, "../schema/plan.schema.json");

const schema = planJsonSchema();
await mkdir(dirname(target), { recursive: true });
await writeFile(target, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`schema: wrote ${target}`);
