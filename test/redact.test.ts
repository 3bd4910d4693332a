/**
 * The one redaction function, and `standin contract` using it for everything it prints or writes: a
 * target that echoes the key back in every form (header names and values, URL-encoded, base64 inside
 * HTTP Basic, fragments) and a password in the target URL leave no trace in output, reports or
 * recordings, while the provider still receives the real key, never the placeholder.
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

/** The documented fragment rule: runs of half the key, at least 4 and at most 8 characters, are hidden. */
const fragment = (secret: string) => Math.max(4, Math.min(8, Math.ceil(secret.length / 2)));

/** Every way the secret could leak: whole, encoded, and its runs of fragment length. */
function leaks(text: string, secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), b64(secret).replace(/=+$/, '').slice(0, -1)];
  for (let i = 0; i + fragment(secret) <= secret.length; i++) forms.push(secret.slice(i, i + fragment(secret)));
  return forms.filter((f) => text.includes(f));
}

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

  it('hides short keys and the fragments a provider echoes (sk-...abcd) of keys of any length', () => {
    for (const key of ['ab12', 'k3y-99', 'short-key1', 'a-much-longer-key-0123456789']) {
      const redact = createRedactor([key]);
      expect(redact(`key=${key}`)).toBe(`key=${REDACTED}`);
      const tail = key.slice(-fragment(key));
      expect(redact(`invalid key sk-...${tail}`), key).not.toContain(tail);
    }
    expect(createRedactor(['ab12'])('nothing secret here')).toBe('nothing secret here');
  });

  it('finds every form of a key at every position of a long text (the one-pass prefilter misses nothing)', () => {
    const key = 'sk-ant-api03-' + 'Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc'.repeat(3);
    const redact = createRedactor([key]);
    const filler = 'The quick brown fox, {"json": [1, 2]} & <xml/> '.repeat(8);
    const forms = [key, key.slice(-fragment(key)), key.slice(20, 20 + fragment(key)), b64(`user:${key}`), encodeURIComponent(key)];
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
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${got} (${b64(`key:${got}`)}) ...${got.slice(-fragment(got))}` } }));
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
