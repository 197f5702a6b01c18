/**
 * Whether the `kubeconfig` input is a path rather than content: kubeconfig text (YAML, or JSON,
 * which is YAML too) names no file, a path names an existing one. Relative paths are relative to
 * the workspace, like `plan`.
 */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";

/** A one-line value naming an existing file is a path; anything else is kubeconfig text. */
export function namesExistingFile(value: string, workspace: string): string | undefined {
  if (value.includes("\n")) return undefined;
  const candidate = isAbsolute(value.trim()) ? value.trim() : resolve(workspace, value.trim());
  try {
    return existsSync(candidate) && statSync(candidate).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}
