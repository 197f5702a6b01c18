#!/usr/bin/env node
// `pnpm demo`: what opdeploy is for, in three runs of the bundled CLI in this one process —
//   1. `check` finds what is wrong with the defective plan (exit 1: error findings);
//   2. `simulate` rehearses the fixed plan on a simulated cluster (exit 0);
//   3. `simulate --from` rehearses the upgrade from the previous plan: the surge incident the user
//      hit (old and new pods together overflow the node) is caught and rolled back (exit 1).
// Exits 0 only when every step ended with its expected exit code, so a green demo is a real one.
import { writeSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CLI, ensureCli } from "./cli-bundle.mjs";

const EXAMPLE = "examples/openpolicy";
const STEPS = [
  {
    heading: "1. The plan as written: opdeploy check finds what would break the deploy",
    args: ["check", `${EXAMPLE}/plan.yaml`],
    expected: 1,
  },
  {
    heading: "2. The fixed plan, rehearsed: opdeploy simulate deploys it on a simulated cluster",
    args: ["simulate", `${EXAMPLE}/plan.fixed.yaml`],
    expected: 0,
  },
  {
    heading: "3. The upgrade from the running version, rehearsed: the surge incident is caught and rolled back",
    args: ["simulate", `${EXAMPLE}/plan.fixed.yaml`, "--from", `${EXAMPLE}/plan.previous.yaml`],
    expected: 1,
  },
];

// Synchronous writes, like the CLI's own, so headings and output never interleave out of order.
const say = (text) => writeSync(1, `${text}\n`);

/** Runs one CLI invocation in this process; its exit code. */
async function runStep(args, index) {
  process.argv = [process.argv[0], CLI, ...args];
  process.exitCode = undefined;
  // A distinct URL per step evaluates the entry module again (the module cache keys on the URL);
  // its chunks are shared. The entry awaits the command, so the import resolves when it is done.
  await import(`${pathToFileURL(CLI).href}?step=${index}`);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return code;
}

process.chdir(fileURLToPath(new URL("..", import.meta.url)));
if (!(await ensureCli())) {
  process.exitCode = 2;
} else {
  const wrong = [];
  for (const [index, step] of STEPS.entries()) {
    say(`${index === 0 ? "" : "\n"}━━ ${step.heading}\n━━ $ opdeploy ${step.args.join(" ")}   (expected exit ${step.expected})\n`);
    const code = await runStep(step.args, index);
    if (code !== step.expected) wrong.push(`step ${index + 1} (opdeploy ${step.args.join(" ")}) exited ${code}, expected ${step.expected}`);
  }
  if (wrong.length > 0) {
    for (const line of wrong) console.error(`demo: ${line}`);
    process.exitCode = 1;
  } else {
    say("\n━━ demo: every step ended as expected (check 1, simulate 0, simulate --from 1)");
    process.exitCode = 0;
  }
}
