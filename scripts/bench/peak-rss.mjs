// Runs a bundled CLI in this process and prints its peak RSS on stderr as the last line:
//   node peak-rss.mjs <cli.mjs> <args...>
// (the CLI reads process.argv.slice(2), so the CLI's path is taken out of argv first).
import { writeSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [cli] = process.argv.splice(2, 1);
const started = process.hrtime.bigint();
process.on("exit", () => {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  writeSync(2, `\n${JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
});
await import(pathToFileURL(cli).href);
