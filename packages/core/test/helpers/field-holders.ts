/** Every (container, key) pair of a parsed plan, depth first: where a mutation test can change a field. */
export function fieldHolders(root: unknown): [Record<string | number, unknown>, string | number][] {
  const holders: [Record<string | number, unknown>, string | number][] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    for (const [key, inner] of Object.entries(node)) {
      holders.push([node as Record<string | number, unknown>, Array.isArray(node) ? Number(key) : key]);
      walk(inner);
    }
  };
  walk(root);
  return holders;
}
