/**
 * vitest globalSetup: starts local PostgreSQL, Redis and RabbitMQ once for the whole test run
 * (scripts/services.sh) and stops them at teardown, unless they were already running before the
 * run (then they belong to whoever started them and are left alone). Services whose binaries are
 * missing are skipped with a printed reason; their test suites skip themselves.
 */
import {
  missingServiceReason,
  runServicesScript,
  servicesNotRunning,
  type LocalServiceName,
} from "./local-services.js";

const ALL: LocalServiceName[] = ["postgres", "redis", "rabbitmq"];
let startedHere: LocalServiceName[] = [];

export async function setup(): Promise<void> {
  const available = ALL.filter((name) => {
    const missing = missingServiceReason(name);
    if (missing) console.warn(`[services] not starting ${name}: ${missing}`);
    return !missing;
  });
  if (available.length === 0) return;
  const down = await servicesNotRunning(available);
  if (down.length === 0) return;
  try {
    await runServicesScript(["start", ...down]);
    startedHere = down;
  } catch (error) {
    // Suites that need the services start them again and fail with this reason; tests that do
    // not need them still run.
    console.warn(`[services] ${(error as Error).message}`);
  }
}

export async function teardown(): Promise<void> {
  if (startedHere.length === 0 || process.env.OPDEPLOY_KEEP_SERVICES === "1") return;
  await runServicesScript(["stop", ...startedHere]);
}
