/**
 * `standin contract` from the command line: dry runs send nothing, reports are written and parse, no
 * report or line of output holds the key, the request cap and retries hold, recordings replay, and the
 * exit status says whether every check passed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { contractCommand, type CliIo } from '../src/cli/contract.js';
import { createStandin, type Engine } from '../src/standin.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { forwardTo, startTestServer, type TestServer } from './support/contract.js';

// Assembled at run time so no key-shaped string is committed (secret scanners would flag it).
const KEY = ['sk', 'ant', 'api03', 'SECRETSECRETSECRET', '0123456789abcdef'].join('-');

function io(env: Record<string, string> = {}) {
  const lines: string[] = [];
  const cli: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), env };
  return { cli, text: () => lines.join('\n') };
}

let dir: string;
let engine: Engine;
let server: TestServer | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'standin-contract-'));
  engine = createStandin({ documents: await loadDocuments() });
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('standin contract', () => {
  it('against standin: exit 0, JUnit XML that parses, JSON', async () => {
    const out = io();
    const junit = join(dir, 'standin.xml');
    const json = join(dir, 'standin.json');
    const code = await contractCommand(['--provider', 'all', '--target', 'standin', '--junit', junit, '--json', json], out.cli);
    expect(code, out.text()).toBe(0);
    expect(out.text()).toMatch(/OK: \d+ checks passed/);
    expect(out.text()).toMatch(/\[ 1\/1[0-9]\] ok {3}createMessage\.json/);
    const xml = await readFile(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const suites = [parsed.testsuites.testsuite].flat();
    expect(suites.map((s: any) => s['@_name']).sort()).toEqual(['contract.aigateway', 'contract.anthropic', 'contract.bytespike', 'contract.runware', 'contract.skillboss']);
    expect(Number(parsed.testsuites['@_failures'])).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.reports).toHaveLength(5);
    expect(report.reports[0].checks[0].source.document).toMatch(/\.yaml$/);
  });

  it('--dry-run lists the requests with the key redacted and sends nothing', async () => {
    server = await startTestServer((_q, res) => res.end('{}'));
    const out = io({ ANTHROPIC_API_KEY: KEY });
    const code = await contractCommand(['--provider', 'anthropic', '--target', server.url, '--dry-run'], out.cli);
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(0);
    expect(out.text()).toContain('POST /v1/messages');
    expect(out.text()).toContain('x-api-key: <api-key>');
    expect(out.text()).toContain('"max_tokens":1,');
    expect(out.text()).toMatch(/dry run: 16 requests planned, at most \d+ output tokens in all; nothing was sent/);
    expect(out.text()).not.toContain(KEY);
  });

  it('--only runs the probes whose id contains the text', async () => {
    const out = io();
    const json = join(dir, 'only.json');
    expect(await contractCommand(['--provider', 'skillboss', '--target', 'standin', '--only', 'error.', '--only', 'stream-tool', '--json', json], out.cli)).toBe(0);
    const probes = new Set(JSON.parse(await readFile(json, 'utf8')).reports[0].checks.map((c: any) => c.probe));
    expect([...probes].sort()).toEqual([
      'availability',
      'createMessage.error.malformed-json',
      'createMessage.error.missing-field',
      'createMessage.error.missing-key',
      'createMessage.error.out-of-range',
      'createMessage.error.unknown-model',
      'createMessage.error.wrong-key',
      'createMessage.stream-tool',
    ]);
  });

  it('puts the key in the header the document names, and never into output or reports', async () => {
    // A provider that echoes the key back in its error body and a header, as some do.
    server = await startTestServer((req, res) => {
      const given = String(req.headers['x-api-key'] ?? req.headers.authorization ?? '');
      res.writeHead(401, { 'content-type': 'application/json', 'request-id': 'req_1', 'x-echo': given });
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${given} (${given.slice(0, 20)}...)` } }));
    });
    const out = io({ ANTHROPIC_API_KEY: KEY });
    const junit = join(dir, 'echo.xml');
    const json = join(dir, 'echo.json');
    const record = join(dir, 'echo-rec');
    const code = await contractCommand(['--provider', 'anthropic', '--target', server.url, '--junit', junit, '--json', json, '--record', record], out.cli);
    expect(code).toBe(1);
    const plain = server.requests.find((r) => r.body.includes('"max_tokens":16') && r.headers['x-api-key'] !== undefined);
    expect(plain?.headers['x-api-key']).toBe(KEY);
    const everything = [out.text(), await readFile(junit, 'utf8'), await readFile(json, 'utf8'), await readFile(join(record, 'anthropic', 'anthropic.exchanges.json'), 'utf8')];
    for (const text of everything) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(0, 20));
    }
    expect(everything[1]).toContain('[REDACTED]');
  });

  it.each([
    ['aigateway', 'AIGATEWAY_API_KEY', 'authorization', `Bearer ${KEY}`],
    ['runware', 'RUNWARE_API_KEY', 'authorization', `Bearer ${KEY}`],
    ['skillboss', 'SKILLBOSS_WHOLESALE_KEY', 'x-api-key', KEY],
    ['bytespike', 'BYTESPIKE_API_KEY', 'x-api-key', KEY],
  ])('%s: the key from %s goes in %s', async (provider, env, header, value) => {
    server = await startTestServer(forwardTo(engine, `/${provider}`));
    const out = io({ [env]: KEY });
    const code = await contractCommand(['--provider', provider, '--target', server.url, '--quiet'], out.cli);
    expect(code, out.text()).toBe(0);
    expect(server.requests.filter((r) => r.headers[header] === value).length).toBeGreaterThan(5);
    expect(out.text()).not.toContain(KEY);
  });

  it('--max-requests caps what is sent; the rest is skipped, not failed', async () => {
    server = await startTestServer(forwardTo(engine, '/anthropic'));
    const out = io({ MY_KEY: KEY });
    const json = join(dir, 'cap.json');
    const code = await contractCommand(['--provider', 'anthropic', '--target', server.url, '--key-env', 'MY_KEY', '--max-requests', '3', '--json', json], out.cli);
    expect(code, out.text()).toBe(0);
    expect(server.requests).toHaveLength(3);
    const report = JSON.parse(await readFile(json, 'utf8')).reports[0];
    expect(report.requestsSent).toBe(3);
    expect(report.checks.filter((c: any) => c.outcome === 'skip').every((c: any) => c.reason === 'request cap reached (--max-requests 3)')).toBe(true);
  });

  it('retries a 429 with backoff, records it as an observation, and the probe still passes', async () => {
    const seen = new Set<string>();
    const forward = forwardTo(engine, '/anthropic');
    server = await startTestServer((req, res, body) => {
      const key = `${req.url} ${body} ${JSON.stringify(req.headers['x-api-key'] ?? '')}`;
      if (!seen.has(key)) {
        seen.add(key);
        res.writeHead(429, { 'content-type': 'application/json', 'request-id': 'req_rl', 'retry-after': '0', 'x-should-retry': 'true' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' }, request_id: 'req_rl' }));
        return;
      }
      void forward(req, res, body);
    });
    const out = io({ ANTHROPIC_API_KEY: KEY });
    const json = join(dir, 'retry.json');
    const code = await contractCommand(['--provider', 'anthropic', '--target', server.url, '--max-requests', '40', '--json', json], out.cli);
    expect(code, out.text()).toBe(0);
    expect(out.text()).toMatch(/got 429, retry 1 in 0 ms/);
    const report = JSON.parse(await readFile(json, 'utf8')).reports[0];
    expect(report.requestsSent).toBe(32); // 16 probes, each refused once then retried
    const observed = report.checks.filter((c: any) => c.id.includes('observed-429'));
    expect(observed.length).toBeGreaterThan(15);
    expect(observed.every((c: any) => c.outcome === 'pass')).toBe(true);
  });

  it('a provider that keeps answering 503: the waiting checks are skipped, availability fails, exit 1', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'request-id': 'req_x', 'x-should-retry': 'true', 'retry-after': '0' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'busy' }, request_id: 'req_x' }));
    });
    const out = io({ SKILLBOSS_WHOLESALE_KEY: KEY });
    const json = join(dir, 'busy.json');
    const code = await contractCommand(['--provider', 'skillboss', '--target', server.url, '--retries', '1', '--max-requests', '100', '--json', json, '--quiet'], out.cli);
    expect(code).toBe(1);
    const report = JSON.parse(await readFile(json, 'utf8')).reports[0];
    const failed = report.checks.filter((c: any) => c.outcome === 'fail').map((c: any) => c.id);
    expect(failed).toEqual(['skillboss.availability']);
    expect(report.checks.filter((c: any) => c.probe === 'createMessage.json').every((c: any) => c.outcome === 'skip')).toBe(true);
  }, 20_000);

  it('--record writes exchanges that replay as a recorded target, every probe matched', async () => {
    const record = join(dir, 'rec');
    expect(await contractCommand(['--provider', 'all', '--target', 'standin', '--record', record, '--quiet'], io().cli)).toBe(0);
    const out = io();
    const json = join(dir, 'replay.json');
    const code = await contractCommand(['--provider', 'all', '--target', record, '--json', json, '--quiet'], out.cli);
    expect(code, out.text()).toBe(0);
    const reports = JSON.parse(await readFile(json, 'utf8')).reports;
    for (const r of reports) {
      const skipped = r.checks.filter((c: any) => c.outcome === 'skip');
      expect(skipped.map((c: any) => `${c.id}: ${c.reason}`), r.provider).toEqual([]);
      expect(r.summary.passed).toBeGreaterThan(40);
    }
  });

  it('exit 1 when a check fails', async () => {
    server = await startTestServer((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html></html>');
    });
    const out = io({ BYTESPIKE_API_KEY: KEY });
    expect(await contractCommand(['--provider', 'bytespike', '--target', server.url, '--timeout', '2000'], out.cli)).toBe(1);
    expect(out.text()).toMatch(/FAIL bytespike\.createMessage\.json\.content-type\n.*\n\s+from bytespike\.yaml#\/paths\/~1v1~1messages\/post\/responses\/200\/content\/application~1json.*\n\s+expected: application\/json\n\s+received: text\/html/);
    expect(out.text()).toMatch(/FAILED: \d+ of \d+ checks failed/);
  });

  it.each([
    [['--provider', 'anthropic', '--target', 'standin', '--bogus'], /Unknown option '--bogus'/],
    [['--target', 'standin'], /--provider is required/],
    [['--provider', 'anthropic'], /--target is required/],
    [['--provider', 'nope', '--target', 'standin'], /unknown provider 'nope'/],
    [['--provider', 'anthropic', '--target', 'https://api.example.invalid'], /ANTHROPIC_API_KEY is not set/],
    [['--provider', 'skillboss', '--target', 'https://api.example.invalid'], /SKILLBOSS_WHOLESALE_KEY is not set/],
    [['--provider', 'anthropic', '--target', '/no/such/folder'], /is not 'standin', an http\(s\) URL, or a folder/],
    [['--provider', 'anthropic', '--target', 'standin', '--timeout', 'soon'], /--timeout must be a whole number/],
    [['--provider', 'all', '--target', 'https://api.example.invalid'], /a live URL serves one provider/],
  ])('exit 2 on bad usage: %j', async (argv, message) => {
    const out = io();
    expect(await contractCommand(argv as string[], out.cli)).toBe(2);
    expect(out.text()).toMatch(message as RegExp);
    expect(out.text()).toContain('usage: standin contract');
  });
});
