// A throwaway npm registry (verdaccio, a root devDependency) on 127.0.0.1 with its storage in a
// temporary folder, for the release dry run in install.test.ts. It has no uplink: a package that
// was not published to it does not exist, so an install that needs anything beyond what we
// published fails instead of quietly reaching the public registry.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";

export interface LocalRegistry {
  url: string;
  /** An npm userconfig that points every scope at this registry, with a publish token. */
  npmrc: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function writeConfig(dir: string): string {
  const config = path.join(dir, "verdaccio.yaml");
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(path.join(dir, "storage"))}`,
      "auth:",
      "  htpasswd:",
      `    file: ${JSON.stringify(path.join(dir, "htpasswd"))}`,
      "    max_users: 10",
      "uplinks: {}",
      "packages:",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "web:",
      "  enable: false",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  return config;
}

async function waitUntilUp(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}: ${readFileSync(logFile, "utf8").slice(-2000)}`);
    try {
      if ((await fetch(`${url}/-/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`verdaccio did not answer on ${url} within ${timeoutMs / 1000} s: ${readFileSync(logFile, "utf8").slice(-2000)}`);
}

/** Registers a user (verdaccio's htpasswd plugin allows it) and returns its token. */
async function addUser(url: string): Promise<string> {
  const response = await fetch(`${url}/-/user/org.couchdb.user:release-dry-run`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "release-dry-run", password: "release-dry-run-password" }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(`verdaccio refused the test user: ${response.status} ${body.error ?? ""}`);
  return body.token;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
}

/** Starts verdaccio in `dir`; throws with the reason when it cannot start. */
export async function startLocalRegistry(dir: string): Promise<LocalRegistry> {
  const verdaccio = path.join(path.dirname(createRequire(import.meta.url).resolve("verdaccio/package.json")), "bin", "verdaccio");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, "verdaccio.log");
  const log = openSync(logFile, "w");
  // Output goes to a file, not a pipe: the tests run npm synchronously, and a full pipe would stall it.
  const child = spawn(process.execPath, [verdaccio, "--config", writeConfig(dir), "--listen", `127.0.0.1:${port}`], {
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const stop = stopper(child);
  try {
    await waitUntilUp(url, child, logFile, 30_000);
    const token = await addUser(url);
    const npmrc = path.join(dir, "npmrc");
    // noproxy: a proxy configured for the machine must not carry loopback traffic.
    writeFileSync(npmrc, `registry=${url}/\nnoproxy=127.0.0.1\n//127.0.0.1:${port}/:_authToken=${token}\n`);
    return { url, npmrc, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
