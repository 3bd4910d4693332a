/**
 * The package stands alone: `npm pack` ships the built library (dist/), its command, the OpenAPI
 * documents, README and LICENSE, and no tests or sources; it builds first (prepack); `standin --version`
 * prints the package's version. (Runs after `npm test` has built dist/; the pack is listed with
 * --ignore-scripts so it does not rebuild dist/ under the other test files.)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('the package', () => {
  it('npm pack ships dist/, bin, the documents, README and LICENSE, and no tests', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    const files: string[] = JSON.parse(stdout)[0].files.map((f: { path: string }) => f.path);
    const tops = new Set(files.map((f) => f.split('/')[0]));
    expect([...tops].sort()).toEqual(['LICENSE', 'README.md', 'bin', 'dist', 'openapi', 'package.json']);
    expect(files.filter((f) => /(^|\/)test\/|\.test\.|\.spec\./.test(f))).toEqual([]);
    // Every entry point the package names is in it.
    const entries = [pkg.main, pkg.types, ...Object.values(pkg.bin as Record<string, string>)];
    for (const target of Object.values(pkg.exports as Record<string, string | Record<string, string>>)) {
      entries.push(...(typeof target === 'string' ? [target] : Object.values(target)));
    }
    for (const entry of entries) expect(files, entry).toContain(entry.replace(/^\.\//, ''));
    expect(files).toContain('dist/cli/main.js');
    for (const provider of ['skillboss', 'bytespike', 'anthropic', 'aigateway', 'runware']) expect(files).toContain(`openapi/${provider}.yaml`);
    expect(files.some((f) => f.startsWith('openapi/shared/'))).toBe(true);
  });

  it('builds before packing, from a clean dist/', () => {
    expect(pkg.scripts.prepack).toMatch(/rmSync\('dist'.*&& npm run build$/);
    const build = JSON.parse(readFileSync(new URL('../tsconfig.build.json', import.meta.url), 'utf8'));
    expect(build.exclude).toContain('src/**/*.test.ts');
  });

  it('carries the MIT licence its package.json names', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(new URL('../LICENSE', import.meta.url), 'utf8')).toMatch(/^MIT License\n/);
  });

  it.each(['--version', '-v'])('standin %s prints the version', async (flag) => {
    const { stdout } = await run(process.execPath, [new URL('../bin/standin.js', import.meta.url).pathname, flag]);
    expect(stdout.trim()).toBe(pkg.version);
  });
});

describe('the README', () => {
  it("lists each provider's base URL, model ids and key variable as the documents give them", async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const documents = await loadDocuments();
    // The variables the providers' docs name (Runware's name none: standin's convention).
    const keyVariables: Record<string, string> = { skillboss: 'SKILLBOSS_WHOLESALE_KEY', bytespike: 'BYTESPIKE_API_KEY', anthropic: 'ANTHROPIC_API_KEY', aigateway: 'AIGATEWAY_API_KEY', runware: 'RUNWARE_API_KEY' };
    for (const [name, doc] of Object.entries(documents)) {
      const title = String((doc.info as { title: string }).title);
      const row = readme.split('\n').find((line) => line.startsWith('| ') && line.toLowerCase().includes(`/${name}`));
      expect(row, `${name} (${title})`).toBeDefined();
      const server = String((doc.servers as { url: string }[])[0]!.url);
      expect(row, name).toContain(server);
      for (const model of doc['x-standin-models'] as string[]) expect(row, name).toContain(`\`${model}\``);
      expect(row, name).toContain(keyVariables[name]!);
      expect(doc['x-standin-key-env'], name).toBe(keyVariables[name]); // what `standin contract` reads
    }
    expect(readme).toMatch(/What standin does not serve/);
  });
});
