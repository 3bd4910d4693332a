/**
 * Derives a provider's runtime (routes, validators, auth, error catalogue, headers, stream framing) from
 * its bundled OpenAPI document. Everything provider-specific comes from the document; a document that
 * does not hold together throws here, at start-up, never while serving.
 */
import { addDocument, type Ajv2020Instance } from './validator.js';
import { escapePointer, resolveNode } from './json-pointer.js';
import type { Prices } from './usage.js';
import { NO_CAPS, outputCapFields } from './output-cap.js';
import type {
  CatalogueEntry,
  HeaderSpec,
  InstantFormat,
  JsonObject,
  OperationRuntime,
  Profile,
  ProviderRuntime,
  SecurityAlternative,
  SseSpec,
  Trigger,
} from './types.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;
const DERIVED: ReadonlySet<string> = new Set([
  'request-id',
  'retry-after',
  'estimated-credits',
  'processing-ms',
  'credits-remaining',
  ...['requests', 'tokens', 'input-tokens', 'output-tokens', 'spend'].flatMap((b) => ['limit', 'remaining', 'reset'].map((f) => `ratelimit-${b}-${f}`)),
]);

export function compileProvider(name: string, document: JsonObject, profile: Profile, ajv: Ajv2020Instance): ProviderRuntime {
  const ajvKey = `standin:${name}`;
  addDocument(ajv, ajvKey, document);
  const operations: OperationRuntime[] = [];
  const catalogue = new Map<number, CatalogueEntry>();
  const paths = (document.paths ?? {}) as JsonObject;
  for (const [path, pathItemRaw] of Object.entries(paths)) {
    const base = `/paths/${escapePointer(path)}`;
    const { node: pathItem, pointer: itemPointer } = resolveNode(document, pathItemRaw, base);
    for (const method of METHODS) {
      if (!pathItem[method]) continue;
      const op = compileOperation(document, profile, path, method, pathItem, `${itemPointer}/${method}`);
      operations.push(op);
      for (const [status, entry] of op.catalogue) if (!catalogue.has(status)) catalogue.set(status, entry);
    }
  }
  const triggers = (document['x-standin-triggers'] ?? {}) as Partial<Record<Trigger, number>>;
  for (const [trigger, status] of Object.entries(triggers)) {
    if (!catalogue.has(Number(status))) {
      throw new Error(`standin: ${name}: x-standin-triggers.${trigger} names ${status}, which no operation documents`);
    }
  }
  const models = ((document['x-standin-models'] ?? []) as string[]).map(String);
  const runtime: ProviderRuntime = {
    name,
    document,
    profile,
    models,
    modelAnswers: modelAnswersOf(name, document, models),
    triggers,
    triggerMessages: triggerMessagesOf(name, document),
    operations,
    catalogue,
    ajvKey,
    prices: pricesOf(name, document),
  };
  profile.checkDocument?.(runtime);
  return runtime;
}

/** `x-standin-model-answers: { requested: answered }`: every requested id must be one the provider serves. */
function modelAnswersOf(name: string, document: JsonObject, models: string[]): Record<string, string> {
  const raw = (document['x-standin-model-answers'] ?? {}) as JsonObject;
  const answers: Record<string, string> = {};
  for (const [requested, answered] of Object.entries(raw)) {
    if (requested.startsWith('x-')) continue;
    if (!models.includes(requested) || typeof answered !== 'string') {
      throw new Error(`standin: ${name}: x-standin-model-answers.${requested} must map a model in x-standin-models to a string`);
    }
    answers[requested] = answered;
  }
  return answers;
}

const TRIGGERS: ReadonlySet<string> = new Set<Trigger>([
  'missing-key',
  'invalid-key',
  'malformed-json',
  'invalid-request',
  'unknown-model',
  'unsupported-media-type',
  'body-too-large',
  'unknown-route',
  'method-not-allowed',
]);

/** `x-standin-trigger-messages: { trigger: message }`, the provider's wording where standin's is generic. */
function triggerMessagesOf(name: string, document: JsonObject): Partial<Record<Trigger, string>> {
  const raw = (document['x-standin-trigger-messages'] ?? {}) as JsonObject;
  const messages: Partial<Record<Trigger, string>> = {};
  for (const [trigger, message] of Object.entries(raw)) {
    if (trigger.startsWith('x-')) continue;
    if (!TRIGGERS.has(trigger) || typeof message !== 'string') {
      throw new Error(`standin: ${name}: x-standin-trigger-messages.${trigger} must name a natural trigger and hold a string`);
    }
    messages[trigger as Trigger] = message;
  }
  return messages;
}

/**
 * `x-standin-prices: { input, output, cache-read, cache-write, cache-write-1h }` in USD per million
 * tokens, as price lists state them. A cache price left out is the input price (no discount), and the
 * 1-hour write price is the 5-minute one unless given.
 */
function pricesOf(name: string, document: JsonObject): Prices {
  const raw = (document['x-standin-prices'] ?? {}) as JsonObject;
  const read = (field: string, fallback: number): number => {
    const value = raw[field] === undefined ? fallback : Number(raw[field]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`standin: ${name}: x-standin-prices.${field} must be a non-negative number`);
    return value;
  };
  const input = read('input', 0);
  const cacheWrite = read('cache-write', input);
  const perToken = (usdPerMillion: number): number => usdPerMillion / 1_000_000;
  return {
    input: perToken(input),
    output: perToken(read('output', 0)),
    cacheRead: perToken(read('cache-read', input)),
    cacheWrite: perToken(cacheWrite),
    cacheWrite1h: perToken(read('cache-write-1h', cacheWrite)),
  };
}

function compileOperation(
  doc: JsonObject,
  profile: Profile,
  path: string,
  method: string,
  pathItem: JsonObject,
  pointer: string,
): OperationRuntime {
  const op = pathItem[method] as JsonObject;
  const operationId = String(op.operationId ?? `${method} ${path}`);
  const params = [
    ...((pathItem.parameters ?? []) as unknown[]).map((p, i) => resolveNode(doc, p, `${pointer.slice(0, pointer.lastIndexOf('/'))}/parameters/${i}`)),
    ...((op.parameters ?? []) as unknown[]).map((p, i) => resolveNode(doc, p, `${pointer}/parameters/${i}`)),
  ];
  const requiredHeaders = params
    .filter((p) => p.node.in === 'header' && p.node.required === true)
    .map((p) => String(p.node.name).toLowerCase());
  const queryParams = params
    .filter((p) => p.node.in === 'query' && p.node.schema)
    .map((p) => ({
      name: String(p.node.name),
      schemaRef: `${p.pointer}/schema`,
      required: p.node.required === true,
      numeric: ['integer', 'number'].includes(String((resolveNode(doc, p.node.schema, `${p.pointer}/schema`).node as JsonObject).type)),
    }));

  let hasBody = false;
  let outputCaps: ReadonlySet<string> = NO_CAPS;
  if (op.requestBody) {
    const { node: body } = resolveNode(doc, op.requestBody, `${pointer}/requestBody`);
    const json = (body.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined;
    hasBody = Boolean(json);
    if (json?.schema) outputCaps = outputCapFields(doc, json.schema);
  }

  const catalogue = new Map<number, CatalogueEntry>();
  const responsePointers = new Map<number, string>();
  let successHeaders: HeaderSpec[] = [];
  let example: unknown;
  let sse: OperationRuntime['sse'];
  for (const [code, responseRaw] of Object.entries((op.responses ?? {}) as JsonObject)) {
    const status = Number(code);
    if (!Number.isInteger(status)) continue;
    const { node: response, pointer: responsePointer } = resolveNode(doc, responseRaw, `${pointer}/responses/${code}`);
    responsePointers.set(status, responsePointer);
    const headers = compileHeaders(doc, response, responsePointer);
    const content = (response.content ?? {}) as JsonObject;
    const json = content['application/json'] as JsonObject | undefined;
    const jsonExample = json ? exampleOf(json) : undefined;
    if (status >= 200 && status < 300) {
      successHeaders = headers;
      example = jsonExample;
      const stream = content['text/event-stream'] as JsonObject | undefined;
      const sseSpec = stream?.['x-standin-sse'] as JsonObject | undefined;
      if (sseSpec) {
        sse = {
          framing: sseSpec.framing === 'data' ? 'data' : 'named',
          terminator: typeof sseSpec.terminator === 'string' ? sseSpec.terminator : undefined,
          itemSchemaRef: `${responsePointer}/content/text~1event-stream/x-standin-sse/itemSchema`,
          knownEvents: knownEventsOf(doc, sseSpec.itemSchema, `${responsePointer}/content/text~1event-stream/x-standin-sse/itemSchema`),
        };
      }
    } else if (status >= 400) {
      if (jsonExample === undefined) throw new Error(`standin: ${operationId} ${status} has no application/json example`);
      catalogue.set(status, { status, template: jsonExample, headers, errorType: profile.errorTypeOf(jsonExample) });
    }
  }

  return {
    operationId,
    method: method.toUpperCase(),
    path,
    pointer,
    security: compileSecurity(doc, (op.security ?? doc.security ?? []) as JsonObject[]),
    strictSecurity: doc['x-standin-strict-security']
      ? compileSecurity(doc, (op['x-standin-strict-security'] ?? doc['x-standin-strict-security']) as JsonObject[])
      : undefined,
    requiredHeaders,
    queryParams,
    hasBody,
    outputCaps,
    maxBodyBytes: Number(op['x-standin-max-body-bytes'] ?? doc['x-standin-max-body-bytes'] ?? DEFAULT_MAX_BODY),
    successHeaders,
    sse,
    catalogue,
    responsePointers,
    example,
    raw: op,
  };
}

function exampleOf(media: JsonObject): unknown {
  if (media.example !== undefined) return media.example;
  const examples = media.examples as JsonObject | undefined;
  const first = examples ? (Object.values(examples)[0] as JsonObject | undefined) : undefined;
  return first?.value;
}

function compileHeaders(doc: JsonObject, response: JsonObject, pointer: string): HeaderSpec[] {
  const out: HeaderSpec[] = [];
  for (const [name, raw] of Object.entries((response.headers ?? {}) as JsonObject)) {
    const { node } = resolveNode(doc, raw, `${pointer}/headers/${escapePointer(name)}`);
    const derived = node['x-standin-value'];
    if (typeof derived === 'string') {
      if (!DERIVED.has(derived)) throw new Error(`standin: header ${name} has unknown x-standin-value ${derived}`);
      const spec: HeaderSpec = { name: name.toLowerCase(), derived: derived as HeaderSpec['derived'], value: exampleValue(node) };
      if (derived.endsWith('-reset')) spec.instant = instantFormat(node);
      out.push(spec);
      continue;
    }
    const value = exampleValue(node);
    if (value !== undefined) out.push({ name: name.toLowerCase(), value });
  }
  return out;
}

/** How a reset header writes its instant, from its schema: RFC 3339, Unix seconds, or a duration (`6s`). */
function instantFormat(header: JsonObject): InstantFormat {
  const schema = (header.schema ?? {}) as JsonObject;
  if (schema.format === 'date-time') return 'date-time';
  return schema.type === 'integer' || schema.type === 'number' ? 'unix-seconds' : 'duration';
}

function exampleValue(header: JsonObject): string | undefined {
  const schema = header.schema as JsonObject | undefined;
  const v = header.example ?? schema?.example ?? (schema?.examples as unknown[] | undefined)?.[0] ?? schema?.default;
  return v === undefined || v === null ? undefined : String(v);
}

function compileSecurity(doc: JsonObject, requirements: JsonObject[]): SecurityAlternative[] {
  const schemes = ((doc.components as JsonObject | undefined)?.securitySchemes ?? {}) as JsonObject;
  return requirements.map((req) =>
    Object.keys(req).map((schemeName) => {
      const { node: scheme } = resolveNode(doc, schemes[schemeName], `/components/securitySchemes/${schemeName}`);
      if (!scheme) throw new Error(`standin: security scheme ${schemeName} is not defined`);
      if (scheme.type === 'apiKey' && scheme.in === 'header') {
        return { kind: 'header' as const, header: String(scheme.name).toLowerCase(), bearer: false };
      }
      if (scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') {
        return { kind: 'header' as const, header: 'authorization', bearer: true };
      }
      throw new Error(`standin: security scheme ${schemeName} (${String(scheme.type)}) is not supported`);
    }),
  );
}

/** The event types a stream's item schema names, when it says events of other types are to be ignored. */
function knownEventsOf(doc: JsonObject, itemSchema: unknown, pointer: string): SseSpec['knownEvents'] {
  if (!itemSchema) return undefined;
  const { node } = resolveNode(doc, itemSchema, pointer);
  const discriminator = node.discriminator as { propertyName?: unknown; mapping?: Record<string, unknown> } | undefined;
  if (node['x-standin-unknown-events'] !== 'ignore' || typeof discriminator?.propertyName !== 'string' || !discriminator.mapping) return undefined;
  return { property: discriminator.propertyName, types: Object.keys(discriminator.mapping) };
}
