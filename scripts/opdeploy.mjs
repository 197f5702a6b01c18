#!/usr/bin/env node
// `pnpm -s opdeploy <args>` (or `node scripts/opdeploy.mjs <args>`): runs the bundled CLI in this
// same process — one Node start-up, and Ctrl-C reaches a running deploy directly — bundling it
// first when it is missing or older than the sources (scripts/cli-bundle.mjs).
import { pathToFileURL } from "node:url";
import { CLI, ensureCli } from "./cli-bundle.mjs";

// The bundle reads process.argv.slice(2) — the same arguments this script was given — and sets
// process.exitCode.
if (await ensureCli()) await import(pathToFileURL(CLI).href);
else process.exitCode = 2;
