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
  const mayHoldNeedle = ordered.length > 0 ? createPrefilter(ordered) : () => false;
  return (text) => {
    let out = text.includes('@') ? text.replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}${REDACTED}@`) : text;
    if (!mayHoldNeedle(out)) return out;
    for (const needle of ordered) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
}

/** Bits in a prefilter's table of window hashes (8 KiB). */
const TABLE_BITS = 16;
const HASH_BASE = 0x01000193;
/** Spreads a window's hash over the table (Fibonacci hashing). */
const HASH_MIX = 0x9e3779b1;

/**
 * A one-pass test that is false only when `text` holds none of the needles. A key yields a hundred or
 * more needles (its fragments, its encoded forms), and searching for each in turn costs needles × length;
 * this rolls a hash over every window of the shortest needle's length instead, looks it up in a bit table
 * of every such window of every needle, and confirms a hit against the windows themselves. Only a text
 * that holds a window of a needle goes on to the exact search.
 */
function createPrefilter(needles: string[]): (text: string) => boolean {
  const width = needles.reduce((min, n) => Math.min(min, n.length), Infinity);
  let top = 1; // HASH_BASE^(width-1): the weight of the character leaving the window
  for (let i = 1; i < width; i++) top = Math.imul(top, HASH_BASE);
  const table = new Uint32Array(1 << (TABLE_BITS - 5));
  const windows = new Set<string>();
  const slot = (hash: number) => Math.imul(hash, HASH_MIX) >>> (32 - TABLE_BITS);
  for (const needle of needles) {
    let hash = 0;
    for (let i = 0; i < needle.length; i++) {
      if (i >= width) hash = (hash - Math.imul(needle.charCodeAt(i - width), top)) | 0;
      hash = (Math.imul(hash, HASH_BASE) + needle.charCodeAt(i)) | 0;
      if (i < width - 1) continue;
      const bit = slot(hash);
      table[bit >>> 5]! |= 1 << (bit & 31);
      windows.add(needle.slice(i + 1 - width, i + 1));
    }
  }
  // The same roll as above, written out: this loop runs over every character standin redacts.
  return (text) => {
    let hash = 0;
    for (let i = 0; i < text.length; i++) {
      if (i >= width) hash = (hash - Math.imul(text.charCodeAt(i - width), top)) | 0;
      hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(i)) | 0;
      if (i < width - 1) continue;
      const bit = Math.imul(hash, HASH_MIX) >>> (32 - TABLE_BITS);
      if ((table[bit >>> 5]! & (1 << (bit & 31))) !== 0 && windows.has(text.slice(i + 1 - width, i + 1))) return true;
    }
    return false;
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
