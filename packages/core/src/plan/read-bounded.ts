/**
 * Reading a file the plan names, safely: only a regular file, and only up to a bound. Without
 * this, `manifests: [/dev/zero]` reads until memory runs out and a named pipe blocks forever
 * (issue 9). The file is opened non-blocking and checked through its own descriptor, so it cannot
 * be swapped for a pipe between the check and the read.
 */
import { constants } from "node:fs";
import { open } from "node:fs/promises";

/** Larger than any manifest a person writes by hand; a generated one this big is a mistake. */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
/** Plans are bigger (a 100,000-service plan is ~124 MB) but still bounded: V8 strings stop at ~512 MiB. */
export const MAX_PLAN_BYTES = 512 * 1024 * 1024;

/**
 * The result of {@link readBoundedFile}: the text, or why it could not be read (missing, too
 * large, not a file).
 */
export type BoundedRead = { ok: true; text: string } | { ok: false; reason: string };

function describeSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "is a directory, not a file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ELOOP") return "too many symbolic links";
  return error instanceof Error ? error.message : String(error);
}

/** The file's text (UTF-8), or why it cannot be used. Never throws for I/O reasons. */
export async function readBoundedFile(path: string, maxBytes: number): Promise<BoundedRead> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, reason: errnoReason(error) };
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return { ok: false, reason: "is a directory, not a file" };
    if (!stats.isFile()) return { ok: false, reason: "is not a regular file (a device, pipe or socket); name a file" };
    if (stats.size > maxBytes) return { ok: false, reason: `is ${describeSize(stats.size)}, more than the ${describeSize(maxBytes)} allowed` };
    // Read at most one byte past the bound: the file may have grown since the stat.
    let buffer = Buffer.alloc(Math.min(maxBytes + 1, stats.size + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > maxBytes) break;
        const grown = Buffer.alloc(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) return { ok: false, reason: `is more than the ${describeSize(maxBytes)} allowed` };
    return { ok: true, text: buffer.toString("utf8", 0, length) };
  } catch (error) {
    return { ok: false, reason: errnoReason(error) };
  } finally {
    await handle.close();
  }
}
