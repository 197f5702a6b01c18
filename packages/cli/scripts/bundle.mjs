// Bundles the CLI so start-up reads one module instead of hundreds (the 300 ms end-to-end goal in
// issue 2), and so the published package installs alone: core, simulator and their dependencies
// are inside (docs/adr/0002-packaging.md). Workspace packages are bundled from source. Code
// splitting keeps each command and the real-cluster code (@openpolicy/simulator/kubernetes:
// client-node, pg, ioredis, amqplib) in chunks loaded through dynamic import() only when needed,
// so `--version` and `--help` read no plan code.
import { build } from "esbuild";
import { chmod, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { writeThirdPartyNotices } from "../../../scripts/third-party-notices.mjs";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const outdir = `${packageRoot}dist`;

/** Builds dist/opdeploy.mjs (+ chunks, separate source maps, THIRD-PARTY-NOTICES.txt). */
export async function bundle() {
  await rm(outdir, { recursive: true, force: true });
  const { metafile } = await build({
    // The --runs worker thread is a module of its own (simulator risk/parallel-risk.ts looks for it in chunks/).
    entryPoints: { opdeploy: `${packageRoot}src/index.ts`, "chunks/risk-worker": `${packageRoot}../simulator/src/risk/risk-worker.ts` },
    absWorkingDir: packageRoot,
    outdir,
    splitting: true,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    conditions: ["source"],
    // Maps are written beside the code for decoding a reported stack trace, but not referenced
    // from it and not published (package.json "files" leaves them out): they were 61% of the tarball.
    sourcemap: "external",
    // Collected into THIRD-PARTY-NOTICES.txt together with the bundled packages' licence files.
    legalComments: "external",
    metafile: true,
    logLevel: "warning",
    // testcontainers (kind rehearsal) pulls native optional modules: an optional peer dependency,
    // resolved at run time beside the CLI. pg-native is pg's optional native binding, never used.
    external: ["testcontainers", "pg-native"],
    banner: {
      js: [
        "#!/usr/bin/env node",
        "import { createRequire as __opdCreateRequire } from 'node:module';",
        "const require = __opdCreateRequire(import.meta.url);",
      ].join("\n"),
    },
  });
  writeThirdPartyNotices({ metafile, workingDir: packageRoot, outdir, product: "@openpolicy/cli (opdeploy)" });
  await chmod(`${outdir}/opdeploy.mjs`, 0o755);
}

if (import.meta.url === `file://${process.argv[1]}`) await bundle();
