// Bundles the CLI into one ESM file so start-up reads one module instead of hundreds
// (the 300 ms end-to-end goal in issue 2). Workspace packages are bundled from source.
import { build } from "esbuild";
import { chmod } from "node:fs/promises";

const outfile = new URL("../dist/opdeploy.mjs", import.meta.url).pathname;
await build({
  entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  conditions: ["source"],
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  // Optional native / heavy modules that are loaded lazily by the real-cluster commands.
  external: ["cpu-features", "ssh2", "testcontainers", "@kubernetes/client-node", "pg-native"],
  banner: {
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __opdCreateRequire } from 'node:module';",
      "const require = __opdCreateRequire(import.meta.url);",
    ].join("\n"),
  },
});
await chmod(outfile, 0o755);
