/**
 * Service names referenced from configuration strings: `productcatalogservice:3550`,
 * `http://frontend:80/`, `mongodb://user-db:27017/data`, `-Dzipkin=http://zipkin:9411`,
 * `user-db.sock-shop.svc.cluster.local`. A reference is how one workload finds another, so it is
 * the best evidence of a dependency that manifests carry (Kubernetes has no `depends_on`).
 *
 * Only host-shaped tokens count: `name:port`, a URL's host, or `name.namespace[.svc[.cluster.local]]`.
 * A bare word counts only under a variable named like an address (`*_HOST`, `*_ADDR`, `*_URL`…),
 * so `CACHE_DRIVER=redis` does not make a dependency on a Service called redis.
 */

export interface HostReference {
  /** The first DNS label: the Service name. */
  name: string;
  /** The namespace when written (`name.ns`, `name.ns.svc…`). */
  namespace?: string;
}

const ADDRESS_VARIABLE = /(HOST|HOSTNAME|ADDR|ADDRESS|URL|URI|ENDPOINT|SERVER|SERVICE|DSN)S?$/i;
// RFC 1123 label, as Service names are (DNS-1035 in fact, a subset).
const LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
const HOST = new RegExp(`^(${LABEL})(?:\\.(${LABEL}))?(\\.svc(?:\\.cluster\\.local)?)?\\.?$`);

function hostOf(token: string): { host: string; shaped: boolean } | undefined {
  let rest = token.trim().replace(/^["']|["']$/g, "");
  let shaped = false;
  const scheme = rest.indexOf("://");
  if (scheme >= 0) {
    rest = rest.slice(scheme + 3);
    shaped = true;
  }
  const at = rest.lastIndexOf("@");
  if (at >= 0) rest = rest.slice(at + 1); // user:password@ — never kept, never shown
  const end = rest.search(/[/?#]/);
  if (end >= 0) rest = rest.slice(0, end);
  const port = /^(.*):([0-9]{1,5})$/.exec(rest);
  if (port) {
    rest = port[1]!;
    shaped = true;
  }
  return rest === "" ? undefined : { host: rest.toLowerCase(), shaped };
}

/**
 * Host references in one value. `variable` is the env variable's name (undefined for args and
 * ConfigMap data read without one).
 */
export function hostReferences(value: string, variable?: string): HostReference[] {
  const out: HostReference[] = [];
  const bareAllowed = variable !== undefined && ADDRESS_VARIABLE.test(variable);
  // Lists (`a:1,b:2`), shell words, `-Dkey=value` options and Go DSNs (`user@tcp(db:3306)/x`)
  // each hold their own host.
  for (const token of value.split(/[\s,;=()]+/)) {
    if (token === "") continue;
    const found = hostOf(token);
    if (!found) continue;
    const match = HOST.exec(found.host);
    if (!match) continue;
    const namespace = match[2];
    if (!found.shaped && namespace === undefined && !bareAllowed) continue;
    // `name.ns` without `.svc` could as well be a domain (`example.com`): only with a port/scheme.
    if (namespace !== undefined && match[3] === undefined && !found.shaped) continue;
    out.push({ name: match[1]!, ...(namespace !== undefined ? { namespace } : {}) });
  }
  return out;
}
