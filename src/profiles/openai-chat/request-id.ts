/** Request ids in the form the document's example shows: `req_` and 32 hex digits. */
import { createRng } from '../../core/hash.js';

// Ids must differ between identical requests but need no cryptographic strength: one generator, seeded
// once from the platform's random source, keeps the hot path cheap.
const seed = new Uint32Array(1);
crypto.getRandomValues(seed);
const rng = createRng(seed[0]!);

export function requestId(): string {
  let out = 'req_';
  for (let i = 0; i < 4; i++) out += Math.floor(rng.next() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return out;
}
