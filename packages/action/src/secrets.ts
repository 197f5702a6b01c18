/**
 * Masks credentials before the action prints anything: the runner replaces every registered
 * value with *** in logs. GitHub masks `secrets.*` and `github.token` by itself, but a value
 * built in the workflow (a kubeconfig assembled from parts, a token from another step's output)
 * is not, and a multi-line secret is matched as a whole only — so the value of every kubeconfig
 * key that carries credentials is registered on its own too.
 */
import { getInput, setSecret } from "@actions/core";
import { namesExistingFile } from "./kubeconfig-path.js";

/** Kubeconfig keys whose values are credentials (client-go's clientcmd api.AuthInfo fields). */
const CREDENTIAL_KEYS = /^\s*-?\s*(token|client-key-data|client-certificate-data|password|id-token|refresh-token|access-token|client-secret|certificate-authority-data)\s*:\s*(.+?)\s*$/;

/** The values that `setSecret` should receive for one kubeconfig (content, not a path). */
export function kubeconfigSecrets(kubeconfig: string): string[] {
  const values = new Set<string>();
  if (kubeconfig.trim() === "") return [];
  values.add(kubeconfig);
  for (const line of kubeconfig.split(/\r?\n/)) {
    const match = CREDENTIAL_KEYS.exec(line);
    const value = match?.[2]?.replace(/^["']|["']$/g, "");
    if (value) values.add(value);
  }
  return [...values];
}

/** Reads the secret-bearing inputs straight from the environment — before validation prints anything. */
export function maskSecretInputs(): void {
  const token = getInput("github-token");
  if (token !== "") setSecret(token);
  const kubeconfig = getInput("kubeconfig", { trimWhitespace: false });
  // A path is no secret — masking it would star out every log line that mentions, say, "config";
  // the file's credentials are masked when it is read (kubeconfig-input.ts).
  if (namesExistingFile(kubeconfig, process.env.GITHUB_WORKSPACE || process.cwd())) return;
  for (const value of kubeconfigSecrets(kubeconfig)) setSecret(value);
}
