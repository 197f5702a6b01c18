/** The plan format as JSON Schema (draft-07, which yaml-language-server and VS Code read), for editors and `schema/plan.schema.json`. */
import { z } from "zod";
import { PlanSchema } from "./schema.js";

/** The schema's title. */
export const PLAN_SCHEMA_TITLE = "OpenPolicy Deploy plan";

type Node = Record<string, unknown>;

const NUMBER = "(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+)";
const DURATION = `(?:${NUMBER}(?:ms|s|m|h))+`;
// A quantity's number may have no digits at all ("m", "Ki", "." are 0, as upstream's parser
// reads them; parseQuantity reproduces it), but the text may not be empty.
const QUANTITY_NUMBER = "(?=.)[+]?[0-9]*[.]?[0-9]*";

/**
 * What the decoder accepts for each figure written as text or a number (units.ts), as JSON Schema.
 * zod can only say "a string or a number" for these (their parsing is a transform); the
 * `type: [string, number]` it emits also trips ajv's strict mode. Each is recognised by the
 * pattern schema.ts gives it and replaced with one branch per JSON type.
 */
const FIGURES: Record<string, (key: string | undefined) => Node[]> = {
  // parsePercent: optional blanks around, 0 to 100 inclusive (leading zeros allowed).
  "^([0-9]+([.][0-9]*)?|[.][0-9]+)\\s*%$": () => [
    { type: "string", pattern: "^\\s*(?:0*(?:100(?:[.]0*)?|[0-9]{1,2}(?:[.][0-9]*)?)|[.][0-9]+)\\s*%\\s*$" },
    { type: "number", minimum: 0, maximum: 100 },
  ],
  // parseDuration: a number is already in the unit and must be whole; text is trimmed.
  "^(([0-9]+([.][0-9]*)?|[.][0-9]+)(ms|s|m|h))+$": () => [
    { type: "string", pattern: `^\\s*${DURATION}\\s*$` },
    { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  ],
  // parseDurationRange: `15m-20m`, `15-20m`, `15m` or whole seconds.
  "^\\s*(([0-9]+([.][0-9]*)?|[.][0-9]+)(ms|s|m|h)?)+\\s*(-\\s*(([0-9]+([.][0-9]*)?|[.][0-9]+)(ms|s|m|h))+\\s*)?$": () => [
    { type: "string", pattern: `^\\s*(?:${DURATION}|${NUMBER}\\s*-\\s*${DURATION}|${DURATION}\\s*-\\s*${DURATION})\\s*$` },
    { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  ],
  // parseResourceAmount (Kubernetes quantity syntax, apimachinery quantity.go); not negative.
  "^[+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$": (key) =>
    key === "cpu"
      ? [
          { type: "string", pattern: `^${QUANTITY_NUMBER}(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$` },
          // millicores must stay below 2^53
          { type: "number", minimum: 0, maximum: Math.floor(Number.MAX_SAFE_INTEGER / 1000) },
        ]
      : [
          // Memory in milli (128m) is a slip for Mi and anything under one byte cannot be meant:
          // m only for zero, u from 10^6 (one byte), n from 10^9.
          {
            type: "string",
            pattern:
              `^(?=.)[+]?(?:[0-9]*[.]?[0-9]*(?:[KMGTPE]i|[kMGTPE]|[eE][+]?[0-9]+)?` +
              `|0*[.]?0*(?:[mun]|[eE]-[0-9]+)` +
              `|0*[1-9][0-9]{6,}(?:[.][0-9]*)?u|0*[1-9][0-9]{9,}(?:[.][0-9]*)?n)$`,
          },
          { type: "number", anyOf: [{ const: 0 }, { minimum: 1, maximum: Number.MAX_SAFE_INTEGER }] },
        ],
};

/** Names the renderer can fold into a DNS label keep at least one letter or digit (api-rules.ts). */
const NAME_PATTERN = "[A-Za-z0-9]";

function tighten(node: unknown, key?: string): void {
  if (Array.isArray(node)) {
    for (const item of node) tighten(item, key);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const schema = node as Node;
  if (Array.isArray(schema.type)) {
    const figure = typeof schema.pattern === "string" ? FIGURES[schema.pattern] : undefined;
    // A new figure kind must be described above: otherwise the schema would accept any number.
    if (!figure) throw new Error(`planJsonSchema: no JSON Schema for the figure at "${key}" (pattern ${String(schema.pattern)})`);
    delete schema.type;
    delete schema.pattern;
    schema.anyOf = figure(key);
  }
  for (const [child, value] of Object.entries(schema)) {
    if (child === "properties" && typeof value === "object" && value !== null) {
      for (const [name, property] of Object.entries(value)) tighten(property, name);
    } else {
      tighten(value, key);
    }
  }
}

/**
 * ajv's strict mode wants every `required` name declared beside it; the "one of services or
 * batches" and "not both shorthand and resources" branches name fields declared one level up.
 */
function declareRequired(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(declareRequired);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const schema = node as Node;
  if (Array.isArray(schema.required) && schema.properties === undefined) {
    schema.properties = Object.fromEntries((schema.required as string[]).map((name) => [name, true]));
  }
  Object.values(schema).forEach(declareRequired);
}

/** Constraints the decoder applies after the zod schema (api-rules.ts, normalize.ts) that JSON Schema can say too. */
function decoderRules(schema: Node): void {
  const properties = schema.properties as Record<string, Node>;
  const services = properties.services!;
  // At least one service (the zod refinement), named so a DNS label is left.
  services.minProperties = 1;
  services.propertyNames = { type: "string", minLength: 1, pattern: NAME_PATTERN };
  for (const field of ["name", "namespace"]) properties[field]!.pattern = NAME_PATTERN;
  const cluster = properties.cluster!.properties as Record<string, Node>;
  const group = (cluster.nodes!.items as Node).properties as Record<string, Node>;
  group.name!.pattern = NAME_PATTERN;
  const service = services.additionalProperties as Node;
  const serviceProperties = service.properties as Record<string, Node>;
  // `validate: tcp` connects to the service's port: it needs one (normalize.ts).
  service.if = { properties: { validate: { const: "tcp" } }, required: ["validate"] };
  // biome-ignore lint/suspicious/noThenProperty: `then` is JSON Schema's keyword, in data, never awaited
  service.then = { properties: { port: true }, required: ["port"] };
  // A range's order is a comparison JSON Schema cannot make: said where an editor shows it.
  const phase = (properties.phases!.items as Node).properties as Record<string, Node>;
  phase.expected!.description = `${String(phase.expected!.description)} The first figure may not exceed the second (checked when the plan is read).`;
  // maxUnavailable may not be over 100% (apps validation IsNotMoreThan100Percent).
  const rolling = (serviceProperties.rollingUpdate!.properties as Record<string, Node>).maxUnavailable!;
  for (const branch of rolling.anyOf as Node[]) {
    if (branch.type === "string") branch.pattern = "^0*(?:100|[0-9]{1,2})%$";
  }
}

/**
 * JSON Schema of what authors write (`io: "input"`: quantities as text or numbers, defaults
 * optional), as strict as the decoder wherever JSON Schema can say it, and compiling under ajv's
 * strict mode. What JSON Schema cannot say, the decoder alone reports when the plan is read:
 * comparisons between two values (an `expected` range's order, limits below requests, maxSurge
 * and maxUnavailable both 0, two node groups folding to one name), references (a phase naming an
 * undefined service, `Recreate` on a service that defaults to a StatefulSet), and arithmetic on
 * text (a duration written as text that is not a whole number of seconds, memory written with a
 * negative exponent, amounts past 2^53).
 */
export function planJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PlanSchema, { io: "input", target: "draft-7", unrepresentable: "any" }) as Node;
  tighten(schema);
  decoderRules(schema);
  declareRequired(schema);
  return schema;
}
