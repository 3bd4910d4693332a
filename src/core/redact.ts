/**
 * The one redaction function: everything standin prints or writes (contract output and reports,
 * recordings, journal, logs, fixtures) passes through a redactor built here. It hides
 *  - credentials written into a URL (`https://user:password@host`), whoever's they are;
 *  - every given secret, whole, wherever it appears, and the forms it takes on the way out:
 *    URL-encoded, JSON- and XML-escaped, base64 (at each of the three byte alignments, so a key inside
 *    `user:key` sent as HTTP Basic is caught too);
 *  - the masked forms providers print of a key: a piece of its start and/or its end around a mask
 *    (see `hideMaskedEchoes`).
 * A piece of a secret that stands anywhere else is left alone: a session name, a prompt or a word that
 * happens to share a few characters with a key is not a leak, and hiding it made journals lie.
 * Substitution uses split/join and slices, never `String.replace` with a string, so a secret holding
 * `$&` or `` $` `` cannot turn into a replacement pattern. Web APIs only (btoa, TextEncoder).
 */

export const REDACTED = '[REDACTED]';

export type Redact = (text: string) => string;

/** `scheme://userinfo@` — the userinfo is replaced whatever it holds. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]+)@/gi;

/** A redactor hiding URL credentials and every non-empty secret given (and their encoded and masked forms). */
export function createRedactor(secrets: Iterable<string | null | undefined> = []): Redact {
  const keys = [...new Set([...secrets].filter((s): s is string => Boolean(s)))];
  const echoKeys = keys.map(echoKey);
  const needles = new Set<string>();
  for (const key of keys) for (const form of formsOf(key)) if (form) needles.add(form);
  // Longest first, so a whole secret is replaced before a shorter form inside it splits it. A key has
  // about ten forms, and ten native searches cost less than one pass of the rolling-hash prefilter this
  // replaced (about 0.8 against 5 µs for 1.5 KB with a 108-character key): that paid off only while
  // every 8-character run of a key was a form too, a hundred and more of them.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.includes('@') ? text.replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}${REDACTED}@`) : text;
    for (const needle of ordered) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    if (echoKeys.length > 0 && mayHoldMask(out)) out = hideMaskedEchoes(out, echoKeys);
    return out;
  };
}

/*
 * What providers print of a key, instead of the key (the sources, read December 2026):
 *  - OpenAI's 401 `invalid_api_key`: "Incorrect API key provided: sk-PMafP" + 39 `*` + "E873." — the
 *    first 8 characters sent, a run of `*`, the last 4 (quoted in many GitHub issues, e.g.
 *    popjane/free_chatgpt_api#3, chatanywhere/GPT_API_free#81, Santosl2/wpp-chatgpt#3; a key without
 *    `sk-` shows as `D57rV0ys` + `*`s + `Pp9p`, yihong0618/bilingual_book_maker#195); project keys as
 *    `sk-proj-...I0gA` or `sk-proj-****abcd` (quoted in public repositories' notes and tests).
 *  - OpenAI's Admin API key objects: `redacted_value` "sk-admin...def" (the OpenAPI example): the first
 *    8, `...`, the last 3.
 *  - Anthropic's 401 says only "invalid x-api-key" and names no part of the key; its Admin API shows
 *    a key as `partial_key_hint` "sk-ant-api03-R2D...igAA" (platform.claude.com API reference,
 *    api_keys/retrieve): the first 16, `...`, the last 4.
 *  - Gateways in front of them mask alike, e.g. LiteLLM's "first 4 + last 4" (BerriAI/litellm#20289):
 *    `bad-****cdef`.
 * So a mask is a run of `*`, `.` (two or more) or `…`, and what is hidden is a start of the key of at
 * least MIN_HEAD characters ending at the mask and an end of the key of at least MIN_TAIL characters
 * beginning after it, each standing alone (no letter or digit glued on outside), with the mask itself.
 */

/** A text without any of these holds no mask, and skips the search (native scans: five times a regex's speed). */
const mayHoldMask = (text: string): boolean => text.includes('*') || text.includes('..') || text.includes('\u2026');
/** Runs of mask characters; a lone `.` is punctuation, not a mask. */
const MASK_RUN = /[*.\u2026]+/g;
/** The shortest start of a key shown before a mask that is hidden (OpenAI shows 8, LiteLLM 4). */
const MIN_HEAD = 4;
/** The shortest end of a key shown after a mask that is hidden (OpenAI admin keys show 3). */
const MIN_TAIL = 3;

/** A secret, with a quick test of which characters can belong to it (so a search stops at a space). */
interface EchoKey {
  key: string;
  holds: (code: number) => boolean;
}

function echoKey(key: string): EchoKey {
  const ascii = new Uint8Array(128);
  let others = '';
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 128) ascii[code] = 1;
    else others += key[i];
  }
  return { key, holds: (code) => (code < 128 ? ascii[code] === 1 : others.includes(String.fromCharCode(code))) };
}

/** Replaces each mask with the key's start before it and end after it, where a key's are found. */
function hideMaskedEchoes(text: string, keys: EchoKey[]): string {
  let out = '';
  let done = 0;
  MASK_RUN.lastIndex = 0;
  for (let match = MASK_RUN.exec(text); match; match = MASK_RUN.exec(text)) {
    if (match[0] === '.') continue;
    const start = match.index;
    const end = start + match[0].length;
    let head = 0;
    let tail = 0;
    for (const key of keys) {
      head = Math.max(head, keyStartBefore(text, start, key, done));
      tail = Math.max(tail, keyEndAfter(text, end, key));
    }
    if (head === 0 && tail === 0) continue;
    out += text.slice(done, start - head) + REDACTED;
    done = end + tail;
    MASK_RUN.lastIndex = done;
  }
  return done === 0 ? text : out + text.slice(done);
}

const isAlnum = (code: number): boolean => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/**
 * The length of the longest start of the key (MIN_HEAD or more, not all of it) that ends at `at` and
 * stands alone (no letter or digit before it); 0 if none. Only the characters the key holds are looked
 * at, so ordinary text before a mask costs a character or two.
 */
function keyStartBefore(text: string, at: number, { key, holds }: EchoKey, floor: number): number {
  let from = at;
  while (from > floor && at - from < key.length - 1 && holds(text.charCodeAt(from - 1))) from--;
  for (; from <= at - MIN_HEAD; from++) {
    if (text.charCodeAt(from) !== key.charCodeAt(0)) continue;
    if (from > 0 && isAlnum(text.charCodeAt(from - 1))) continue;
    if (text.startsWith(key.slice(0, at - from), from)) return at - from;
  }
  return 0;
}

/** The length of the longest end of the key (MIN_TAIL or more, not all of it) that begins at `at` and stands alone; 0 if none. */
function keyEndAfter(text: string, at: number, { key, holds }: EchoKey): number {
  let to = at;
  while (to < text.length && to - at < key.length - 1 && holds(text.charCodeAt(to))) to++;
  const last = key.charCodeAt(key.length - 1);
  for (; to >= at + MIN_TAIL; to--) {
    if (text.charCodeAt(to - 1) !== last) continue;
    if (to < text.length && isAlnum(text.charCodeAt(to))) continue;
    if (text.startsWith(key.slice(at - to), at)) return to - at;
  }
  return 0;
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
  return forms;
}

/** Shorter stable base64 runs would hide ordinary words. */
const MIN_BASE64 = 4;

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
    if (stable.length >= MIN_BASE64 * 2 || (pad === 0 && stable.length >= MIN_BASE64)) {
      forms.push(stable, stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return forms;
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}
