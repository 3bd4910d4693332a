/**
 * The shape the design promises: one engine core free of Node-only APIs, with thin adapters around it.
 * Node-only modules live in src/adapters/node-server.ts, src/node/, src/cli/ and src/fixtures/node-*.ts; the core never
 * depends on a profile.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const src = new URL('../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('architecture', () => {
  // Fixtures are Web-only too, except their Node side (files, the recording proxy) in `node-*.ts`.
  const webOnly = ['core', 'profiles', 'sse', 'synth', 'contract', 'fixtures', 'journal', 'inspector']
    .flatMap((d) => sources(join(src, d)))
    .filter((file) => !/\/fixtures\/node-[^/]*$/.test(file));

  it('keeps the core, profiles, streams, synthesis and contract checks free of Node-only imports', () => {
    const offenders = webOnly.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('node:') || ['fs', 'http', 'path', 'vitest', 'msw'].includes(spec))
        .map((spec) => `${relative(src, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('never lets the core import a profile or an adapter', () => {
    const offenders = sources(join(src, 'core')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => /\/(profiles|adapters|cli|node|contract)\//.test(spec))
        .map((spec) => `${relative(src, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});
