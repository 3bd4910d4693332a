/** Checks a request's credentials against an operation's security requirements. */
import type { EngineOptions, OperationRuntime, Trigger } from './types.js';

export type AuthResult = { ok: true; key?: string } | { ok: false; trigger: Trigger; message: string };

export function authenticate(op: OperationRuntime, headers: { get(name: string): string | null }, options: EngineOptions): AuthResult {
  const alternatives = options.strictAuth && op.strictSecurity ? op.strictSecurity : op.security;
  if (alternatives.length === 0) return { ok: true };
  let offered: string | undefined;
  for (const alternative of alternatives) {
    // An empty requirement (`{}`) makes authentication optional, as OpenAPI has it.
    if (alternative.length === 0) return { ok: true };
    // An alternative holds when every scheme in it has a credential; the first one is the key.
    let key: string | undefined;
    let complete = true;
    for (const scheme of alternative) {
      const value = credential(headers.get(scheme.header), scheme.bearer);
      if (value === undefined) complete = false;
      else {
        key ??= value;
        offered ??= value;
      }
    }
    if (!complete || key === undefined) continue;
    if (isRejected(key, options)) return { ok: false, trigger: 'invalid-key', message: 'Invalid API key' };
    return { ok: true, key };
  }
  const names = alternatives.map((a) => a.map((s) => (s.bearer ? 'Authorization: Bearer' : s.header)).join(' + '));
  return offered !== undefined
    ? { ok: false, trigger: 'invalid-key', message: `Invalid API key: send it in ${names.join(' or ')}` }
    : { ok: false, trigger: 'missing-key', message: `Missing API key: send it in ${names.join(' or ')}` };
}

function credential(value: string | null, bearer: boolean): string | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (!bearer) return trimmed || undefined;
  const m = /^Bearer\s+(\S.*)$/i.exec(trimmed);
  return m ? m[1]!.trim() : undefined;
}

export function isRejected(key: string, options: EngineOptions): boolean {
  if (options.acceptKeys.length > 0) return !options.acceptKeys.includes(key);
  return options.rejectKeyPrefix !== '' && key.startsWith(options.rejectKeyPrefix);
}
