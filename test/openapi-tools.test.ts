/**
 * The documents are valid OpenAPI for the tools people already use: Redocly's linter passes them, and
 * Prism serves a valid request from each.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { listProviders } from '../src/node/load-documents.js';
import { sampleRequests } from './support/sample-requests.js';

const bin = (name: string) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const root = new URL('..', import.meta.url).pathname;
const providers = await listProviders();

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('OpenAPI documents', () => {
  it('pass the Redocly linter with no errors or warnings', () => {
    const run = spawnSync(bin('redocly'), ['lint', '--config', 'redocly.yaml', ...providers], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    // Redocly's closing line; any problem (error or warning) replaces it with a count.
    expect(output).toContain('Your API descriptions are valid');
    expect(output).not.toMatch(/\d+ warnings?\b/);
  }, 120_000);

  it.each(providers)('%s is served by prism mock', async (provider) => {
    const sample = sampleRequests[provider];
    expect(sample, `a sample request for ${provider}`).toBeDefined();
    expect(existsSync(`${root}openapi/${provider}.yaml`)).toBe(true);
    const port = await freePort();
    const prism = spawn(bin('prism'), ['mock', '-h', '127.0.0.1', '-p', String(port), `openapi/${provider}.yaml`], { cwd: root });
    let log = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`prism did not start:\n${log}`)), 60_000);
        const onData = (d: Buffer) => {
          log += d.toString();
          if (log.includes('Prism is listening')) {
            clearTimeout(timer);
            resolve();
          }
        };
        prism.stdout.on('data', onData);
        prism.stderr.on('data', onData);
        prism.on('exit', (code) => reject(new Error(`prism exited ${code}:\n${log}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}${sample!.path}`, {
        method: 'POST',
        headers: sample!.headers,
        body: JSON.stringify(sample!.body),
      });
      const text = await res.text();
      expect(res.status, `${text}\n${log.slice(-2000)}`).toBe(200);
      expect(() => JSON.parse(text)).not.toThrow();
    } finally {
      prism.kill('SIGKILL');
    }
  }, 90_000);
});
