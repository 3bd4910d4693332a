/**
 * Output caps a document states (`x-standin-output-cap: true` beside a `maximum`, e.g. ByteSpike's 8,192
 * for `max_tokens`). Popular clients send the model's own limit (64,000 for Haiku 4.5) by default, so a
 * request above a stated cap is served as if it had asked for the cap, and the answer says so in a
 * diagnostic header; with `strictLimits` it is refused, as the provider's docs say.
 */
import type { ErrorObject } from 'ajv';
import { resolveNode } from './json-pointer.js';
import type { JsonObject } from './types.js';
import { dottedPath, type Validator } from './validator.js';

export const OUTPUT_CAP_KEYWORD = 'x-standin-output-cap';

/** The header that tells a client what standin changed about its request. */
export const DIAGNOSTIC_HEADER = 'x-standin-diagnostic';

export type CapOutcome = { ok: true; notes: string[] } | { ok: false; errors: ErrorObject[] | null | undefined };

/**
 * Validates `body`; each failure that is only an output field above its stated cap lowers that field to
 * the cap (in place) and validates again. A body has few such fields, so the loop is short.
 */
export function validateWithOutputCaps(validate: Validator, body: unknown, caps: ReadonlySet<string>, strict: boolean): CapOutcome {
  const notes: string[] = [];
  for (let round = 0; round < 4; round++) {
    if (validate(body)) return { ok: true, notes };
    const error = validate.errors?.[0];
    if (strict || !error || error.keyword !== 'maximum' || !caps.has(error.instancePath)) return { ok: false, errors: validate.errors };
    const limit = Number((error.params as { limit: unknown }).limit);
    const field = dottedPath(error.instancePath);
    const asked = setAt(body, error.instancePath, limit);
    notes.push(`${field} ${String(asked)} is above the documented output cap of ${limit}; served with ${field} ${limit} (--strict-limits refuses it)`);
  }
  return validate(body) ? { ok: true, notes } : { ok: false, errors: validate.errors };
}

export const NO_CAPS: ReadonlySet<string> = new Set();

/**
 * The top-level body fields marked as output caps in a request schema (following `$ref`s and `allOf`
 * overlays, as provider documents narrow the shared schema), as Ajv instance paths (`/max_tokens`).
 */
export function outputCapFields(doc: JsonObject, schema: unknown): ReadonlySet<string> {
  const found = new Set<string>();
  const visit = (raw: unknown, depth: number): void => {
    if (depth > 8 || raw === null || typeof raw !== 'object') return;
    const { node } = resolveNode(doc, raw, '');
    for (const [name, prop] of Object.entries((node.properties ?? {}) as JsonObject)) {
      if (prop && typeof prop === 'object' && (prop as JsonObject)[OUTPUT_CAP_KEYWORD] === true) found.add(`/${name}`);
    }
    for (const part of (node.allOf ?? []) as unknown[]) visit(part, depth + 1);
  };
  visit(schema, 0);
  return found.size ? found : NO_CAPS;
}

/** Sets the value at a JSON pointer (Ajv's `instancePath`) and answers the value it replaced. */
function setAt(root: unknown, pointer: string, value: number): unknown {
  const parts = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = root as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts.at(-1)!;
  const before = node[last];
  node[last] = value;
  return before;
}
