// Bundles the CLI so start-up reads one module instead of hundreds (the 300 ms end-to-end goal in
// issue 2). Workspace packages are bundled from source. Code splitting keeps the real-cluster
// code (@openpolicy/simulator/kubernetes: client-node, pg, ioredis, amqplib) in chunks that only
// `deploy`, `validate`, `perf`, … load, through dynamic import().
import { build } from "esbuild";
import { chmod, rm } from "node:fs/promises";

const outdir = new URL("../dist", import.meta.url).pathname;
const outfile = `${outdir}/opdeploy.mjs`;
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { opdeploy: new URL("../src/index.ts", import.meta.url).pathname },
  outdir,
  splitting: true,
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  conditions: ["source"],
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  // testcontainers (kind rehearsal) pulls native optional modules: resolved at run time from
  // the CLI's own dependencies. pg-native is pg's optional native binding, never used.
  external: ["testcontainers", "pg-native"],
  banner: {
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __opdCreateRequire } from 'node:module';",
      "const require = __opdCreateRequire(import.meta.url);",
    ].join("\n"),
  },
});
await chmod(outfile, 0o755);
