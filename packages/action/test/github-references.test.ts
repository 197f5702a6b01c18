import { describe, expect, it } from "vitest";
import { rateLimitOf } from "../src/github-api.js";
import { neutraliseReferences } from "../src/github-references.js";
import { isOwnReport } from "../src/pr-comment.js";

const ZWJ = "\u200D";

describe("neutraliseReferences", () => {
  it("breaks mentions and issue references in prose", () => {
    expect(neutraliseReferences("ping @alice and @acme/platform-team about #12, acme/app#3 and gh-4")).toBe(
      `ping @${ZWJ}alice and @${ZWJ}acme/platform-team about #${ZWJ}12, acme/app#${ZWJ}3 and gh-${ZWJ}4`,
    );
    // Not references: an e-mail address, a heading, a character reference, an anchor.
    expect(neutraliseReferences("ops@example.com\n### Findings\nit&#39;s [x](#top)")).toBe("ops@example.com\n### Findings\nit&#39;s [x](#top)");
    // Applying it twice changes nothing more.
    const once = neutraliseReferences("@bob #5");
    expect(neutraliseReferences(once)).toBe(once);
  });

  it("leaves code, fenced blocks and HTML comments as they are", () => {
    const text = "<!-- opdeploy:report @a#1.yaml -->\n`@code #5` and ``@two `#6` ``\n```mermaid\nsection @team #35;12\n```\n~~~\n@x #7\n~~~\nafter @carol";
    expect(neutraliseReferences(text)).toBe(text.replace("after @carol", `after @${ZWJ}carol`));
    // An escaped backtick opens no code span.
    expect(neutraliseReferences("\\`@dave\\`")).toBe(`\\\`@${ZWJ}dave\\\``);
  });
});

describe("isOwnReport", () => {
  const marker = "<!-- opdeploy:report plan.yaml -->";
  it("needs the token's own login and the marker at the very start", () => {
    expect(isOwnReport({ id: 1, body: `${marker}\nreport`, user: { login: "github-actions[bot]", type: "Bot" } }, "github-actions[bot]", marker)).toBe(true);
    expect(isOwnReport({ id: 1, body: `${marker}\nreport`, user: { login: "GitHub-Actions[bot]", type: "Bot" } }, "github-actions", marker)).toBe(true);
    expect(isOwnReport({ id: 1, body: `${marker}\nquoted`, user: { login: "mallory", type: "User" } }, "github-actions[bot]", marker)).toBe(false);
    expect(isOwnReport({ id: 1, body: `> ${marker}`, user: { login: "github-actions[bot]", type: "Bot" } }, "github-actions[bot]", marker)).toBe(false);
    // A person called "github-actions" is not the bot.
    expect(isOwnReport({ id: 1, body: marker, user: { login: "github-actions", type: "User" } }, "github-actions[bot]", marker)).toBe(false);
    expect(isOwnReport({ id: 1, body: marker, user: null }, "github-actions[bot]", marker)).toBe(false);
  });
});

describe("rateLimitOf", () => {
  const error = (status: number, message: string, headers: Record<string, string> = {}) => Object.assign(new Error(message), { status, response: { headers } });
  it("tells rate limits from refusals", () => {
    expect(rateLimitOf(error(403, "Resource not accessible by integration", { "x-ratelimit-remaining": "4999" }))).toBeUndefined();
    expect(rateLimitOf(error(403, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000000" }))).toEqual({ kind: "primary", resetAt: new Date(1_700_000_000_000) });
    expect(rateLimitOf(error(403, "You have exceeded a secondary rate limit.", { "retry-after": "30" }))).toEqual({ kind: "secondary", retryAfter: 30 });
    expect(rateLimitOf(error(429, "Too Many Requests"))).toEqual({ kind: "primary" });
    expect(rateLimitOf(error(500, "rate limit"))).toBeUndefined();
  });
});
