/** The output limit a document sets for `max_tokens`, used when a request names none (see its x-note). */
import type { OperationRuntime, ProviderRuntime } from '../../core/types.js';
import { findNumber, JSON_BODY_SCHEMA, requireNumber } from '../schema-keyword.js';

const property = (name: string): string[] => [...JSON_BODY_SCHEMA, 'properties', name];

/** Read once per operation: looking it up built its key and paths again on every request (~1 µs). */
const caps = new WeakMap<OperationRuntime, number>();

/** The request schema's `maximum` for `max_completion_tokens`, else for `max_tokens`; the document must give one. */
export function outputCap(provider: ProviderRuntime, op: OperationRuntime): number {
  let cap = caps.get(op);
  if (cap === undefined) {
    cap = findNumber(provider, op, property('max_completion_tokens'), 'maximum') ?? requireNumber(provider, op, property('max_tokens'), 'maximum');
    caps.set(op, cap);
  }
  return cap;
}
