/**
 * The body of a JSON result. A profile that writes its answer as text (`jsonText`) leaves `body` out:
 * most answers are only ever sent, and the few readers of the object (usage from a body, the start-up
 * check of fixtures) parse the very text that goes out. A lazy getter for the object was tried
 * instead, and cost ~7 µs per request in the server: an accessor on an object the pipeline reads and
 * a closure over the plan (docs/performance.md).
 */
import type { OperationResult } from './types.js';

export function jsonBodyOf(result: Extract<OperationResult, { kind: 'json' }>): unknown {
  if (result.body !== undefined || result.jsonText === undefined) return result.body;
  return JSON.parse(result.jsonText) as unknown;
}
