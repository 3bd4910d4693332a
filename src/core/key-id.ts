/**
 * What state is keyed by instead of an API key: two 32-bit hashes of it, so the key itself is never
 * stored (a shared store, a journal of state keys) and two keys practically never share state.
 */
import { hashString } from './hash.js';

export function keyId(apiKey: string | undefined): string {
  if (apiKey === undefined) return '-';
  return hashString(apiKey).toString(36) + hashString(apiKey, 0x9e3779b9).toString(36);
}
