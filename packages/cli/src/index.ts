import { setFlagsFromString } from "node:v8";
import { processIo } from "./cli-io.js";
import { main } from "./main.js";

// Let the heap grow by half over what a full GC finds live, not by up to four times (V8's default
// when allocation is fast): checking a 100,000-service plan keeps ~250 MB live but peaked at
// 1.2 GB RSS; with this it peaks at ~0.65 GB in the same time (docs/adr/0005-cli-heap-growth.md).
// NODE_OPTIONS given by the user still wins: it is applied before this and we do not override it.
if (!/--heap-growing-percent/.test(process.env.NODE_OPTIONS ?? "") && !process.execArgv.some((a) => a.startsWith("--heap-growing-percent"))) {
  setFlagsFromString("--heap-growing-percent=50");
}

process.exitCode = await main(process.argv.slice(2), processIo());
