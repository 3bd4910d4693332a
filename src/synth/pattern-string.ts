/**
 * A string matching a simple regular expression (`pattern` in a JSON Schema): literals, classes such as
 * `[A-Z]`, `\d`, `\w`, `.`, groups with `|`, and the quantifiers `?`, `*`, `+`, `{n}`, `{n,m}`. Each part
 * takes its first choice and its least count (at least one for `*` and `+`), so the result is
 * deterministic. Patterns outside that subset (lookarounds, back-references) answer undefined.
 */

interface Cursor {
  src: string;
  at: number;
}

export function stringForPattern(pattern: string): string | undefined {
  try {
    const cur: Cursor = { src: pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, ''), at: 0 };
    const out = alternatives(cur);
    if (cur.at !== cur.src.length) return undefined;
    return new RegExp(pattern, 'u').test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** `a|b|c`: the first alternative. */
function alternatives(cur: Cursor): string {
  const first = sequence(cur);
  while (cur.src[cur.at] === '|') {
    cur.at++;
    sequence(cur);
  }
  return first;
}

function sequence(cur: Cursor): string {
  let out = '';
  while (cur.at < cur.src.length && cur.src[cur.at] !== '|' && cur.src[cur.at] !== ')') {
    const atom = readAtom(cur);
    const count = readCount(cur);
    out += atom.repeat(count);
  }
  return out;
}

function readAtom(cur: Cursor): string {
  const c = cur.src[cur.at++]!;
  if (c === '(') {
    if (cur.src.startsWith('?:', cur.at)) cur.at += 2;
    else if (cur.src[cur.at] === '?') throw new Error('lookaround');
    const inner = alternatives(cur);
    if (cur.src[cur.at++] !== ')') throw new Error('unclosed group');
    return inner;
  }
  if (c === '[') return readClass(cur);
  if (c === '\\') return escaped(cur.src[cur.at++]!);
  if (c === '.') return 'a';
  if ('*+?{'.includes(c)) throw new Error('quantifier without atom');
  return c;
}

function escaped(c: string): string {
  if (c === 'd') return '1';
  if (c === 'w') return 'a';
  if (c === 's') return ' ';
  if (/[DWS]/.test(c)) return '-';
  if (/[1-9bBk]/.test(c)) throw new Error('unsupported escape');
  return c;
}

/** `[...]`: its first member (a range's start); a negated class answers a character it does not list. */
function readClass(cur: Cursor): string {
  const negated = cur.src[cur.at] === '^';
  if (negated) cur.at++;
  const members: string[] = [];
  while (cur.at < cur.src.length && cur.src[cur.at] !== ']') {
    let c = cur.src[cur.at++]!;
    if (c === '\\') c = escaped(cur.src[cur.at++]!);
    if (cur.src[cur.at] === '-' && cur.src[cur.at + 1] !== ']') cur.at += 2;
    members.push(c);
  }
  cur.at++;
  if (!negated) return members[0] ?? 'a';
  return ['a', 'Z', '7', '_', '~'].find((x) => !new RegExp(`[${escapeClass(members)}]`).test(x)) ?? 'a';
}

function escapeClass(members: string[]): string {
  return members.map((m) => m.replace(/[\\\]^-]/g, '\\$&')).join('');
}

function readCount(cur: Cursor): number {
  const c = cur.src[cur.at];
  let count = 1;
  if (c === '?' || c === '*') {
    cur.at++;
    count = c === '?' ? 0 : 1;
  } else if (c === '+') {
    cur.at++;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(cur.src.slice(cur.at));
    if (!m) return 1;
    cur.at += m[0].length;
    count = Number(m[1]);
  }
  if (cur.src[cur.at] === '?') cur.at++; // lazy marker
  return count;
}
