/** The output limit a document sets for `max_tokens`, used when a request names none (see its x-note). */
import type { OperationRuntime, ProviderRuntime } from '../../core/types.js';
import { findNumber, JSON_BODY_SCHEMA, requireNumber } from '../schema-keyword.js';

/** Made once: `findNumber` keeps what it found by the very path array it is given. */
const MAX_COMPLETION_TOKENS = [...JSON_BODY_SCHEMA, 'properties', 'max_completion_tokens'];
const MAX_TOKENS = [...JSON_BODY_SCHEMA, 'properties', 'max_tokens'];

/** The request schema's `maximum` for `max_completion_tokens`, else for `max_tokens`; the document must give one. */
export function outputCap(provider: ProviderRuntime, op: OperationRuntime): number {
  return findNumber(provider, op, MAX_COMPLETION_TOKENS, 'maximum') ?? requireNumber(provider, op, MAX_TOKENS, 'maximum');
}
