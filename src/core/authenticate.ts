/** Checks a request's credentials against an operation's security requirements. */
import type { EngineOptions, OperationRuntime, Trigger } from './types.js';

export type AuthResult = { ok: true; key?: string } | { ok: false; trigger: Trigger; message: string };

export function authenticate(op: OperationRuntime, headers: { get(name: string): string | null }, options: EngineOptions): AuthResult {
  const alternatives = options.strictAuth && op.strictSecurity ? op.strictSecurity : op.security;
  if (alternatives.length === 0) return { ok: true };
  let offered: string | undefined;
  for (const alternative of alternatives) {
    const keys = alternative.map((scheme) => credential(headers.get(scheme.header), scheme.bearer));
    if (keys.some((k) => k === undefined)) {
      offered ??= keys.find((k) => k !== undefined);
      continue;
    }
    const key = keys[0]!;
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
