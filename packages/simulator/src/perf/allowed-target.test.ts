import { describe, expect, it } from "vitest";
import { refuseUnlessAllowedTarget } from "./allowed-target.js";

describe("refuseUnlessAllowedTarget", () => {
  it("allows loopback addresses and in-cluster service names", () => {
    for (const url of [
      "http://127.0.0.1:8080/healthz",
      "http://127.3.4.5/",
      "http://localhost:3000/",
      "http://[::1]:9000/",
      "http://api-gateway.openpolicy.svc:8080/healthz",
      "http://api-gateway.openpolicy.svc.cluster.local/healthz",
    ]) {
      expect(refuseUnlessAllowedTarget(url).href).toBe(new URL(url).href);
    }
  });

  it("refuses private, public and look-alike hosts", () => {
    for (const url of [
      "http://10.96.0.10/",
      "http://172.16.0.1/",
      "http://[fd00::1]/",
      "http://example.com/",
      "http://svc.example.com/",
      "http://127.0.0.1.nip.io/",
    ]) {
      expect(() => refuseUnlessAllowedTarget(url), url).toThrow(/perf: refusing to send load/);
    }
  });

  it("refuses non-HTTP schemes and URLs with credentials", () => {
    expect(() => refuseUnlessAllowedTarget("postgres://127.0.0.1:5432/")).toThrow(/only http and https/);
    expect(() => refuseUnlessAllowedTarget("http://u:p@127.0.0.1/")).toThrow(/credentials/);
    expect(() => refuseUnlessAllowedTarget("not a url")).toThrow(/not a URL/);
  });
});
