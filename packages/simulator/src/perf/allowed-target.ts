import net from "node:net";

/**
 * The perf probe is a load generator: it may only aim at this machine (loopback, e.g. a
 * `kubectl port-forward`) or at in-cluster DNS names (when it runs inside the cluster). IP
 * literals elsewhere, and public names, are refused before any request is sent.
 */
export function refuseUnlessAllowedTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`perf: not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`perf: only http and https targets, got ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) {
    throw new Error(`perf: credentials in target URLs are not supported (${parsed.host})`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (!isLoopback(host) && !isClusterDnsName(host)) {
    throw new Error(
      `perf: refusing to send load to ${parsed.host}: only loopback addresses (127.0.0.0/8, ::1, localhost) ` +
        `and in-cluster service names (*.svc, *.svc.cluster.local) are allowed`,
    );
  }
  return parsed;
}

function isLoopback(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  if (net.isIPv6(host)) return host === "::1" || /^::ffff:127\./.test(host);
  return false;
}

/** Kubernetes service DNS: <service>.<namespace>.svc[.<cluster-domain>]. */
function isClusterDnsName(host: string): boolean {
  if (net.isIP(host)) return false;
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.svc(\.cluster\.local)?$/.test(host);
}
