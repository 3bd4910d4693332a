/**
 * The one redaction function: everything standin prints or writes (contract output and reports,
 * recordings, journal, logs, fixtures) passes through a redactor built here. It hides
 *  - credentials written into a URL (`https://user:password@host`), whoever's they are;
 *  - every given secret, and the forms a secret takes on the way out: URL-encoded, JSON- and
 *    XML-escaped, base64 (at each of the three byte alignments, so a key inside `user:key` sent as HTTP
 *    Basic is caught too), and fragments a provider may echo back (`sk-ant-...abcd`).
 * Substitution uses split/join, never `String.replace` with a string, so a secret holding `$&` or `` $` ``
 * cannot turn into a replacement pattern. Web APIs only (btoa, TextEncoder).
 */

export const REDACTED = '[REDACTED]';

export type Redact = (text: string) => string;

/** `scheme://userinfo@` — the userinfo is replaced whatever it holds. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]+)@/gi;

/** Secrets shorter than this are hidden whole only: shorter runs would hide ordinary words. */
const MIN_FRAGMENT = 4;
/** Runs of at most this many characters of a secret are hidden wherever they appear. */
const MAX_FRAGMENT = 8;

/** A redactor hiding URL credentials and every non-empty secret given (and their encoded forms). */
export function createRedactor(secrets: Iterable<string | null | undefined> = []): Redact {
  const needles = new Set<string>();
  for (const secret of secrets) if (secret) for (const form of formsOf(secret)) if (form) needles.add(form);
  // Longest first, so a whole secret is replaced before a fragment of it splits it.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.includes('@') ? text.replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}${REDACTED}@`) : text;
    for (const needle of ordered) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
}

/** Redacts `text` once (for a one-off; build a redactor with `createRedactor` when called often). */
export function redact(text: string, secrets: Iterable<string | null | undefined> = []): string {
  return createRedactor(secrets)(text);
}

/** Every form in which `secret` may appear in text standin emits. */
function formsOf(secret: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    JSON.stringify(secret).slice(1, -1),
    xmlEscape(secret),
    ...base64Forms(secret),
  ];
  const run = Math.min(MAX_FRAGMENT, Math.max(MIN_FRAGMENT, Math.ceil(secret.length / 2)));
  if (secret.length > run) for (let i = 0; i + run <= secret.length; i++) forms.push(secret.slice(i, i + run));
  return forms;
}

/**
 * The base64 text that encodes `secret` wherever it sits in a longer string: encoded after 0, 1 and 2
 * bytes of padding, with the characters that depend on the neighbouring bytes cut off both ends.
 * Standard and URL-safe alphabets.
 */
function base64Forms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const forms: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const padded = new Uint8Array(pad + bytes.length);
    padded.set(bytes, pad);
    let binary = '';
    for (const b of padded) binary += String.fromCharCode(b);
    const encoded = btoa(binary).replace(/=+$/, '');
    // Characters wholly inside the secret: skip those touched by the padding, and the last one when
    // the secret does not end on a 3-byte boundary (it depends on what follows).
    const start = Math.ceil((pad * 4) / 3);
    const end = Math.floor(((pad + bytes.length) * 4) / 3);
    const stable = encoded.slice(start, end);
    if (stable.length >= MIN_FRAGMENT * 2 || (pad === 0 && stable.length >= MIN_FRAGMENT)) {
      forms.push(stable, stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return forms;
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}
