/**
 * The simulator's fake Kubernetes API server (packages/simulator/test/kubernetes/fake-api-server.ts,
 * a protocol test double, not Kubernetes), loaded by URL so the action's TypeScript program
 * (rootDir: packages/action) does not take in the simulator's test files. The interface lists
 * the parts the deploy tests use; see the original for the contract.
 */
type Json = Record<string, any>;

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
}

export interface FakeApiServer {
  readonly requests: LoggedRequest[];
  readonly token: string;
  port: number;
  /** Applied workloads become Ready after this many ms; undefined = never. */
  autoReadyMs: number | undefined;
  /** Workload names whose pods stay Pending with a FailedScheduling event. */
  readonly unschedulable: Set<string>;
  /** SelfSubjectAccessReviews answered "denied": `verb group/resource` ("create coordination.k8s.io/leases"). */
  readonly denied: Set<string>;
  /** Namespaces that read as not existing (every other one exists). */
  readonly missingNamespaces: Set<string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  kubeconfig(namespace?: string): string;
  addNode(name: string, memory: string, cpu: string): void;
  get(apiVersion: string, plural: string, namespace: string | undefined, name: string): Json | undefined;
  list(apiVersion: string, plural: string, namespace?: string): Json[];
  upsert(apiVersion: string, plural: string, object: Json): Json;
  requestsTo(method: string, fragment: string): LoggedRequest[];
}

const FAKE_API_SERVER = new URL("../../../simulator/test/kubernetes/fake-api-server.ts", import.meta.url).href;

export async function fakeApiServer(options: { token?: string } = {}): Promise<FakeApiServer> {
  const module = (await import(/* @vite-ignore */ FAKE_API_SERVER)) as { FakeApiServer: new (o: { token?: string }) => FakeApiServer };
  return new module.FakeApiServer(options);
}
