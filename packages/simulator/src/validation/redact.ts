/**
 * Keeps secrets out of reasons and logs. Driver error messages sometimes echo connection strings,
 * so every reason goes through `redactSecrets` with the password that was used.
 */

/** `postgres://app:s3cret@db:5432/x` -> `postgres://app:***@db:5432/x`; other text unchanged. */
export function redactUrl(url: string): string {
  // A scheme, then userinfo with a password part, then "@". Written as a regex (not `new URL`)
  // so that strings that do not parse as URLs are redacted too.
  return url.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/gi, "$1:***@");
}

/** Replaces every occurrence of each non-empty secret (and URLs with passwords) by `***`. */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let redacted = redactUrl(text);
  for (const secret of secrets) {
    if (secret) redacted = redacted.split(secret).join("***");
  }
  return redacted;
}
