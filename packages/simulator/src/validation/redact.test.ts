import { describe, expect, it } from "vitest";
import { redactSecrets, redactUrl } from "./redact.js";

describe("redactUrl", () => {
  it("hides the password of connection URLs and keeps the rest", () => {
    expect(redactUrl("postgres://app:s3cret@db.prod.svc:5432/app")).toBe("postgres://app:***@db.prod.svc:5432/app");
    expect(redactUrl("failed: amqp://guest:guest@rabbitmq:5672/ and redis://:pw@cache:6379")).toBe(
      "failed: amqp://guest:***@rabbitmq:5672/ and redis://:***@cache:6379",
    );
  });

  it("leaves URLs without a password alone", () => {
    expect(redactUrl("http://api:8080/healthz")).toBe("http://api:8080/healthz");
    expect(redactUrl("postgres://app@db/app")).toBe("postgres://app@db/app");
  });
});

describe("redactSecrets", () => {
  it("replaces every occurrence of each secret", () => {
    expect(redactSecrets("pw=hunter2; again hunter2", ["hunter2", undefined, ""])).toBe("pw=***; again ***");
  });
});
