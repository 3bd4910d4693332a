/**
 * The one redaction function, and `standin contract` using it for everything it prints or writes: a
 * target that echoes the key back in every form (header names and values, URL-encoded, base64 inside
 * HTTP Basic, masked as providers print it) and a password in the target URL leave no trace in output, reports or
 * recordings, while the provider still receives the real key, never the placeholder. Pieces of a key
 * outside those shapes (a session name, a word) are kept.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contractCommand, type CliIo } from '../src/cli/contract.js';
import { createRedactor, REDACTED } from '../src/core/redact.js';
import { KEY_PLACEHOLDER } from '../src/contract/target.js';
import { startTestServer, type TestServer } from './support/contract.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The run length the leak scan looks for: shorter runs stand in ordinary words ('unter' in 'counters'). */
const RUN = 8;

/**
 * A scan for leaks, stricter than the redactor: the secret whole, URL-encoded or in base64, and every
 * run of 8 of its characters. The redactor hides whole and encoded secrets and the masked echoes
 * providers print, not every run; the texts scanned here hold no 8-character run of a secret by
 * chance, so any hit is a leak.
 */
function leaks(text: string, secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), b64(secret).replace(/=+$/, '').slice(0, -1)];
  for (let i = 0; i + RUN <= secret.length; i++) forms.push(secret.slice(i, i + RUN));
  return forms.filter((f) => text.includes(f));
}

// Made-up keys, assembled so no file holds a string shaped like a real one.
const openaiKey = ['sk', 'proj', 'Tq4Wm8Zr2Xv6Ny3Lp7Hb5Kd9Gs1Fc0JaUe'].join('-');
const anthropicKey = ['sk', 'ant', 'api03', 'Rb2Nc7Vx4Mz9Lq3Wp8Ks5Jd1Hf6Gt0'].join('-') + 'AA';

describe('createRedactor', () => {
  it('hides a key, its URL-encoded, JSON-escaped and base64 forms, wherever it sits', () => {
    const key = 'sk-ant-api03-Zq/9+x=w&y"abcdefgh';
    const redact = createRedactor([key]);
    for (const prefix of ['', 'u', 'us', 'user:']) {
      const basic = `authorization: Basic ${b64(prefix + key)}`;
      expect(redact(basic), prefix).not.toContain(b64(prefix + key).slice(Math.ceil((prefix.length * 4) / 3) + 1, -3));
    }
    const text = [key, encodeURIComponent(key), JSON.stringify({ key }), `x-${key}: 1`, Buffer.from(key).toString('base64url')].join('\n');
    const out = redact(text);
    expect(leaks(out, key)).toEqual([]);
    expect(out).toContain(REDACTED);
  });

  it('hides short keys whole, and the end of a key of any length printed after a mask (sk-...abcd)', () => {
    for (const key of ['ab12', 'k3y-99', 'short-key1', 'a-much-longer-key-0123456789']) {
      const redact = createRedactor([key]);
      expect(redact(`key=${key}`)).toBe(`key=${REDACTED}`);
      // OpenAI's last 4: all of the shortest key, hidden whole before the mask is looked at.
      const shown = redact(`invalid key sk-...${key.slice(-4)}`);
      expect(shown, key).toBe(key.length > 4 ? `invalid key sk-${REDACTED}` : `invalid key sk-...${REDACTED}`);
    }
    expect(createRedactor(['ab12'])('nothing secret here')).toBe('nothing secret here');
  });

  it('finds every form of a key at every position of a long text', () => {
    const key = 'sk-ant-api03-' + 'Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc'.repeat(3);
    const redact = createRedactor([key]);
    const filler = 'The quick brown fox, {"json": [1, 2]} & <xml/> '.repeat(8);
    // An echo is a token of its own (a key's start glued to a word is not one); the encoded forms hide anywhere.
    const forms = [key, ` ${key.slice(0, 16)}...${key.slice(-4)} `, ` ${key.slice(0, 8)}${'*'.repeat(20)}${key.slice(-4)}.`, b64(`user:${key}`), encodeURIComponent(key)];
    for (const form of forms) {
      for (let at = 0; at <= filler.length; at += 7) {
        const out = redact(filler.slice(0, at) + form + filler.slice(at));
        expect(leaks(out, key), `${form.slice(0, 12)} at ${at}`).toEqual([]);
        expect(out).toContain(REDACTED);
      }
    }
    expect(redact(filler)).toBe(filler);
  });

  it('hides credentials written into any URL, and is not fooled by replacement patterns', () => {
    const redact = createRedactor(["p$&w$`d$'1"]);
    expect(redact('GET https://alice:s3cr%40t@api.example/v1 and ftp://bob@host/')).toBe(`GET https://${REDACTED}@api.example/v1 and ftp://${REDACTED}@host/`);
    expect(redact("pass p$&w$`d$'1 end")).toBe(`pass ${REDACTED} end`);
    expect(redact('a@b.com is not a URL')).toBe('a@b.com is not a URL');
  });
});

describe('masked keys, in the shapes providers print them', () => {
  const openai = createRedactor([openaiKey]);
  const anthropic = createRedactor([anthropicKey]);
  const first = (key: string, n: number) => key.slice(0, n);
  const last = (key: string, n: number) => key.slice(-n);

  it("OpenAI's 401: the first 8 characters, a run of *, the last 4", () => {
    const message = `Incorrect API key provided: ${first(openaiKey, 8)}${'*'.repeat(39)}${last(openaiKey, 4)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    expect(openai(message)).toBe(`Incorrect API key provided: ${REDACTED}. You can find your API key at https://platform.openai.com/account/api-keys.`);
    const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    const out = openai(body);
    expect(JSON.parse(out).error.message).toBe(`Incorrect API key provided: ${REDACTED}. You can find your API key at https://platform.openai.com/account/api-keys.`);
    expect(leaks(out, openaiKey)).toEqual([]);
  });

  it('the other shapes: sk-proj-...abcd, sk-proj-****abcd, the first 8 ... the last 3, first 4 **** last 4, an ellipsis', () => {
    const shapes = [
      `${first(openaiKey, 8)}...${last(openaiKey, 4)}`,
      `${first(openaiKey, 8)}****${last(openaiKey, 4)}`,
      `${first(openaiKey, 8)}...${last(openaiKey, 3)}`,
      `${first(openaiKey, 4)}****${last(openaiKey, 4)}`,
      `${first(openaiKey, 12)}\u2026${last(openaiKey, 4)}`,
      `${first(openaiKey, 11)}***...***${last(openaiKey, 6)}`,
    ];
    for (const shape of shapes) expect(openai(`key (${shape}) refused`), shape).toBe(`key (${REDACTED}) refused`);
  });

  it("Anthropic's partial_key_hint: the first 16, ..., the last 4", () => {
    const hint = `${first(anthropicKey, 16)}...${last(anthropicKey, 4)}`;
    const out = anthropic(JSON.stringify({ id: 'apikey_01', name: 'Developer Key', partial_key_hint: hint, status: 'active' }));
    expect(JSON.parse(out)).toEqual({ id: 'apikey_01', name: 'Developer Key', partial_key_hint: REDACTED, status: 'active' });
    expect(leaks(out, anthropicKey)).toEqual([]);
  });

  it('a start cut off before a mask, or an end after one, is hidden on its own', () => {
    expect(anthropic(`Bearer ${first(anthropicKey, 20)}... (truncated)`)).toBe(`Bearer ${REDACTED} (truncated)`);
    expect(openai(`key ending ...${last(openaiKey, 4)}, rejected`)).toBe(`key ending ${REDACTED}, rejected`);
    expect(openai(`keys ${first(openaiKey, 9)}*** and ***${last(openaiKey, 5)}`)).toBe(`keys ${REDACTED} and ${REDACTED}`);
  });
});

describe('a piece of a key outside a masked shape is no leak, and is kept', () => {
  // A key made of words, as a test key or a password may be: every one of them also stands in the texts.
  const key = ['sk', 'chaos', 'journal', 'riverbank', 'Session42'].join('-');
  const redact = createRedactor([key]);

  it('session names, prompts and words sharing runs with the key stay as they are', () => {
    const texts = [
      'x-standin-session: chaos-journal',
      '{"role":"user","content":"Walk along the riverbank and describe the journal you find."}',
      'session riverbank-Session42 replayed; sk-chaos is another key',
      'Loading... done ***** rated ... Session42',
      'the last four on42 and the first four sk-c stand alone here',
    ];
    for (const text of texts) expect(redact(text), text).toBe(text);
  });

  it('a mask next to a piece that is not the key’s start or end, or runs on into other letters, is kept', () => {
    const texts = [
      `wait...${key.slice(8, 16)} more`, // the middle of the key after a mask
      `${key.slice(3, 12)}... trailing`, // not the key's start
      `ref ...${key.slice(-4)}Extra`, // the key's end, glued to more letters
      `ref X${key.slice(0, 8)}***`, // the key's start, glued to a letter before it
      'sk-...', // under four characters of the key's start
      `...${key.slice(-2)} end`, // under three of its end
    ];
    for (const text of texts) expect(redact(text), text).toBe(text);
  });

  it('the key itself, and its masked echo, are still hidden in the same texts', () => {
    expect(redact(`x-api-key: ${key}; session chaos-journal`)).toBe(`x-api-key: ${REDACTED}; session chaos-journal`);
    expect(redact(`invalid key ${key.slice(0, 8)}...${key.slice(-4)} in session chaos-journal`)).toBe(`invalid key ${REDACTED} in session chaos-journal`);
  });
});

describe('standin contract output carries no secret', () => {
  let server: TestServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    server = dir = undefined;
  });

  it('a target echoing the key in every form, and a URL password, leave no trace anywhere', async () => {
    // Lower case (header names are), with the characters String.replace treats as patterns.
    const key = "zk$&q$`x$'9";
    const password = 'hunter2-pw';
    server = await startTestServer((req, res) => {
      const got = String(req.headers['x-api-key'] ?? '');
      res.writeHead(401, {
        'content-type': 'application/json',
        [`x-echo-${got}`]: got,
        'x-echo-basic': String(req.headers.authorization ?? ''),
        'x-echo-encoded': encodeURIComponent(got),
      });
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${got} (${b64(`key:${got}`)}) ${got.slice(0, 4)}...${got.slice(-4)}` } }));
    });
    dir = await mkdtemp(join(tmpdir(), 'standin-redact-'));
    const lines: string[] = [];
    const cli: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), env: { K: key } };
    const target = server.url.replace('http://', `http://alice:${password}@`);
    const args = ['--provider', 'anthropic', '--target', target, '--key-env', 'K', '--max-requests', '4', '--retries', '0'];
    const code = await contractCommand([...args, '--json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml'), '--record', join(dir, 'rec')], cli);
    expect(code).toBe(1);

    // The provider got the real key, with nothing of the placeholder left.
    expect(server.requests.length).toBeGreaterThan(0);
    const sent = server.requests.map((r) => String(r.headers['x-api-key']));
    expect(sent).toContain(key);
    expect(JSON.stringify(server.requests)).not.toContain(KEY_PLACEHOLDER);
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${b64(`alice:${password}`)}`);

    const written = [lines.join('\n'), await readFile(join(dir, 'r.json'), 'utf8'), await readFile(join(dir, 'r.xml'), 'utf8')];
    for (const file of await readdir(join(dir, 'rec', 'anthropic'))) written.push(await readFile(join(dir, 'rec', 'anthropic', file), 'utf8'));
    const all = written.join('\n');
    expect(all).toContain('x-echo-'); // the echo was recorded, redacted
    expect(leaks(all, key)).toEqual([]);
    expect(all).not.toContain(`${key.slice(0, 4)}...`); // the masked echo, whose pieces are shorter than the scan's runs
    expect(all).not.toContain(`...${key.slice(-4)}`);
    expect(leaks(all, password)).toEqual([]);
    expect(all).not.toContain(b64(`alice:${password}`));
    expect(all).not.toContain('alice:');
  });

  it('a usage error quoting the target hides the credentials in it', async () => {
    const lines: string[] = [];
    const cli: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), env: {} };
    const code = await contractCommand(['--provider', 'anthropic', '--target', 'ftp://alice:hunter2-pw@host/x'], cli);
    expect(code).toBe(2);
    expect(lines.join('\n')).toContain(`ftp://${REDACTED}@host/x`);
    expect(lines.join('\n')).not.toContain('hunter2');
  });
});
