/**
 * Sessions scope all state (limits, credits, cache, `fail-first` counts, fixture sequences, the journal):
 * a request names its session in `x-standin-session`; without one it belongs to the default session.
 */
import { DEFAULT_SESSION } from './state/store.js';

export const SESSION_HEADER = 'x-standin-session';
/** A session id is a short printable token: it becomes part of state keys and journal filters. */
const SESSION_ID = /^[\x21-\x7e]{1,128}$/;

export function sessionOf(headers: { get(name: string): string | null }): string {
  const value = headers.get(SESSION_HEADER)?.trim();
  return value && SESSION_ID.test(value) ? value : DEFAULT_SESSION;
}

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}
