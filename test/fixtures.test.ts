/** The committed example recordings still conform to the documents, replayed as a recorded target. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const providers = ['skillboss', 'bytespike', 'anthropic', 'aigateway', 'runware'];

describe('fixtures/', () => {
  it.each(providers)('%s recordings pass every check they cover', (provider) => {
    expect(existsSync(`${root}fixtures/${provider}/${provider}.exchanges.json`)).toBe(true);
    const run = spawnSync(process.execPath, ['bin/standin.js', 'contract', '--provider', provider, '--target', 'fixtures', '--quiet'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/OK: \d+ checks passed/);
  }, 30_000);
});
