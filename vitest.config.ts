import { defineConfig } from "vitest/config";

// One test command for the whole monorepo. Workspace packages resolve to their TypeScript
// sources through the "source" export condition, so tests never need a prior build.
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Real PostgreSQL, Redis and RabbitMQ for the validator tests, started once per run from the
    // Debian packages (skipped with a printed reason where they are not installed).
    globalSetup: ["packages/simulator/test/services/global-setup.ts"],
    reporters: ["default", "./scripts/vitest/summary-reporter.ts"],
  },
});
