/** The output limit a document sets for `max_tokens`, used when a request names none (see its x-note). */
import { resolveNode } from '../../core/json-pointer.js';
import type { JsonObject, OperationRuntime, ProviderRuntime } from '../../core/types.js';

/** Haiku 4.5's own output limit, for a document whose request schema states no maximum. */
const MODEL_MAX_OUTPUT = 64_000;

const caps = new WeakMap<OperationRuntime, number>();

export function outputCap(provider: ProviderRuntime, op: OperationRuntime): number {
  let cap = caps.get(op);
  if (cap === undefined) caps.set(op, (cap = readCap(provider.document, op) ?? MODEL_MAX_OUTPUT));
  return cap;
}

function readCap(doc: JsonObject, op: OperationRuntime): number | undefined {
  if (!op.raw.requestBody) return undefined;
  const body = resolveNode(doc, op.raw.requestBody, op.pointer).node;
  const media = ((body.content ?? {}) as JsonObject)['application/json'] as JsonObject | undefined;
  if (!media?.schema) return undefined;
  const properties = (resolveNode(doc, media.schema, op.pointer).node.properties ?? {}) as JsonObject;
  for (const name of ['max_completion_tokens', 'max_tokens']) {
    if (!properties[name]) continue;
    const maximum = resolveNode(doc, properties[name], op.pointer).node.maximum;
    if (typeof maximum === 'number') return maximum;
  }
  return undefined;
}
