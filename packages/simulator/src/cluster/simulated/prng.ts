/** The seeded PRNG lives in core (scheduling/prng.ts), shared with the scheduler's tie-break. */
export { mulberry32 } from "@openpolicy/core";
