/**
 * Issue 9: every error path of the CLI ends in a clean message and the documented exit code —
 * never a stack trace — and user data cannot drive the terminal. Runs `main` in-process against
 * the sources, with an Io that records what a terminal would see.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeControl, type Io } from "../src/cli-io.js";
import { EXIT } from "../src/exit-codes.js";
import { main, reportError } from "../src/main.js";

const badPlan = (name: string) => fileURLToPath(new URL(`../../core/testdata/bad/${name}`, import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function recordingIo(cwd: string, color = false): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), color, errColor: color, env: {}, cwd }, out, err };
}

async function run(args: string[], cwd = process.cwd()): Promise<Run> {
  const { io, out, err } = recordingIo(cwd);
  const code = await main(args, io);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** What a stack trace looks like in our output. */
const STACK = /\n\s+at .+:\d+:\d+\)?/;

const RABBIT = [
  "name: rabbit",
  "cluster:",
  "  nodes: [{name: worker, count: 2, memory: 8Gi, cpu: 4}]",
  "phases: [{name: infra, services: [rabbitmq]}, {name: apps, services: [web]}]",
  "services:",
  "  rabbitmq: {memory: 512Mi, cpu: 200m, port: 5672, validate: rabbitmq}",
  "  web: {memory: 128Mi, cpu: 100m, port: 8080, validate: tcp, dependsOn: [rabbitmq]}",
  "",
].join("\n");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opdeploy-cli-bad-"));
  await writeFile(join(dir, "rabbit.yaml"), RABBIT);
  await writeFile(join(dir, "unknown-phase.yaml"), RABBIT.replace("services: [web]", "services: [web, wbe]"));
  await writeFile(
    join(dir, "control.yaml"),
    'name: ctl\ncluster:\n  nodes: [{memory: 8Gi, cpu: 4}]\nphases: [{name: p, services: ["a\\e]0;pwned\\a"]}]\nservices:\n  "a\\e]0;pwned\\a": {memory: 64Mi, port: 70000}\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("fault targets", () => {
  it("--fault oom:rabitmq is exit 2 with the service it meant (a typo used to inject nothing)", async () => {
    const result = await run(["simulate", join(dir, "rabbit.yaml"), "--fault", "oom:rabitmq"]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain('faults: oom:rabitmq: "rabitmq" is not a service of the plan; did you mean "rabbitmq"?');
    expect(result.stderr).not.toMatch(STACK);
  });

  it("--fault with an unknown node is exit 2, not a stack trace mid-run", async () => {
    const result = await run(["simulate", join(dir, "rabbit.yaml"), "--fault", "node-restart:node-9@30s"]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/"node-9" is not a node of the plan; the plan's nodes are worker-1, worker-2/);
    expect(result.stderr).not.toMatch(STACK);
  });
});

describe("plans the API server would refuse stop before anything runs", () => {
  it.each([
    ["check", "names.yaml", /names\.yaml:3:1: name: the plan name "计划" has no Kubernetes form/],
    ["render", "names.yaml", /names\.yaml:11:3: services\.web: services "Web" and "web" would both be named "web"/],
    ["simulate", "rollout.yaml", /rollout\.yaml:10:\d+: services\.zero-zero\.rollingUpdate\.maxUnavailable: maxUnavailable may not be 0 when `maxSurge` is 0/],
    ["plan", "quantities.yaml", /quantities\.yaml:9:11: services\.milli\.memory: "128m" .*did you mean 128Mi\?/],
    ["simulate", "unknown-phase-service.yaml", /unknown-phase-service\.yaml:11:26: .*"rabitmq-consumer", which is not a service of this plan; did you mean "rabbitmq-consumer"\?/],
  ])("%s %s → exit 2 with file:line:column", async (command, file, message) => {
    const result = await run([command, badPlan(file), ...(command === "render" ? ["-o", join(dir, "rendered")] : [])]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(STACK);
  });

  it("simulate with a phase naming an unknown service is a load error, not a stack trace", async () => {
    const result = await run(["simulate", join(dir, "unknown-phase.yaml")]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/unknown-phase\.yaml:4:\d+: phases\[1\]\.services\[1\]: phase "apps" lists "wbe".*did you mean "web"\?/);
  });
});

describe("names are data", () => {
  it("services named constructor, toString, hasOwnProperty, __proto__ check and simulate end to end", async () => {
    const check = await run(["check", badPlan("prototype-names.yaml"), "--format", "json"]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(EXIT.ok);
    const simulated = await run(["simulate", badPlan("prototype-names.yaml"), "--format", "json"]);
    expect(simulated.stderr).not.toMatch(/internal error/);
    expect(simulated.code).toBe(EXIT.ok);
    const result = JSON.parse(simulated.stdout) as { verdict: string };
    expect(result.verdict).toBe("succeeded");
    expect(simulated.stdout).toContain('"__proto__"');
  });

  it("control characters in names reach the terminal escaped", async () => {
    const result = await run(["check", join(dir, "control.yaml")]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain("services.a\\u001b]0;pwned\\u0007.port: must be at most 65535");
    expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it("escapeControl keeps newlines, tabs and (with colour on) our own SGR colour codes", () => {
    expect(escapeControl("a\tb\nc\r\u009b2J\u001b[31mred\u001b[0m", true)).toBe("a\tb\nc\\u000d\\u009b2J\u001b[31mred\u001b[0m");
    expect(escapeControl("\u001b[31mred", false)).toBe("\\u001b[31mred");
  });
});

describe("every other error ends cleanly", () => {
  it("a -o path in a missing directory is exit 2 naming the path", async () => {
    const result = await run(["simulate", join(dir, "rabbit.yaml"), "-o", join(dir, "missing", "out.txt")]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain(`opdeploy simulate: cannot open ${join(dir, "missing", "out.txt")}: no such file or directory`);
    expect(result.stderr).not.toMatch(STACK);
  });

  it("a faults file that is a device is exit 2 (a pipe would block for ever)", async () => {
    const result = await run(["simulate", join(dir, "rabbit.yaml"), "--faults", "/dev/zero"]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toBe("opdeploy simulate: cannot read faults file /dev/zero: is not a regular file (a device, pipe or socket); name a file");
  });

  it("a plan that is a device or a directory is exit 2", async () => {
    for (const path of ["/dev/zero", dir]) {
      const result = await run(["check", path]);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toMatch(/cannot read plan: is (not a regular file|a directory)/);
    }
  });

  it("an unexpected error is 'internal error, please report', exit 70, stack only under --debug", () => {
    const plain = recordingIo(dir);
    expect(reportError(new TypeError("x is not a function"), "check", plain.io, false)).toBe(EXIT.internal);
    expect(plain.err).toEqual(["opdeploy: internal error, please report: x is not a function", "(run again with --debug for the stack trace)"]);
    const debug = recordingIo(dir);
    expect(reportError(new TypeError("x is not a function"), "check", debug.io, true)).toBe(EXIT.internal);
    expect(debug.err[1]).toMatch(STACK);
  });

  it("--debug is accepted anywhere before `--` by every command", async () => {
    const result = await run(["check", "--debug", join(dir, "rabbit.yaml")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(EXIT.ok);
  });
});
