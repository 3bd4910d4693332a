/**
 * Files in and out of `standin contract`: a folder target with nothing to check, or with a recording
 * that cannot be read (empty, cut off mid-write, unreadable, unknown form), fails naming the file; every
 * file written goes through one atomic writer that never follows a symlink and never replaces a file
 * without --force.
 */
import { spawn } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractCommand, type CliIo } from '../src/cli/contract.js';
import { writeFileAtomic } from '../src/node/write-file-atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'standin-files-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function contract(args: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const cli: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), env: {} };
  const code = await contractCommand(args, cli);
  return { code, text: lines.join('\n') };
}

const SSE = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n';

describe('a folder of recordings as the target', () => {
  it('an empty folder fails, naming it', async () => {
    const { code, text } = await contract(['--provider', 'anthropic', '--target', dir]);
    expect(code).toBe(1);
    expect(text).toContain(`no recordings for anthropic in ${dir}`);
  });

  it('an empty folder fails with --provider all too: nothing was checked', async () => {
    const { code, text } = await contract(['--provider', 'all', '--target', dir]);
    expect(code).toBe(1);
    expect(text).toContain('NOTHING CHECKED');
    expect(text).not.toMatch(/^OK/m);
  });

  it.each([
    ['cut off mid-write', 'half.exchanges.json', '{"format":"standin-recordings/1","exchanges":[{"name":"x","req'],
    ['empty', 'empty.sse', ''],
    ['in no known form', 'other.json', '{"hello":"world"}'],
  ])('a recording %s fails, naming the file, even beside good ones', async (_what, file, content) => {
    await writeFile(join(dir, 'good.sse'), SSE);
    await writeFile(join(dir, file), content);
    const { code, text } = await contract(['--provider', 'anthropic', '--target', dir]);
    expect(code).toBe(1);
    expect(text).toContain(`cannot read the recording ${join(dir, file)}`);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable recording fails, naming the file', async () => {
    await writeFile(join(dir, 'good.sse'), SSE);
    await writeFile(join(dir, 'locked.sse'), SSE);
    await chmod(join(dir, 'locked.sse'), 0o000);
    const { code, text } = await contract(['--provider', 'anthropic', '--target', dir]);
    expect(code).toBe(1);
    expect(text).toMatch(new RegExp(`cannot read the recording ${join(dir, 'locked.sse')}: EACCES`));
  });

  it('recordings that match no probe (everything skipped) fail: nothing was checked', async () => {
    await writeFile(join(dir, 'models.json'), JSON.stringify([{ method: 'GET', path: '/v1/nothing-documented', status: 404, response: 'no' }]));
    const { code, text } = await contract(['--provider', 'anthropic', '--target', dir, '--only', 'no-such-probe']);
    expect(code).toBe(1);
    expect(text).toContain('nothing was checked');
  });
});

describe('writeFileAtomic', () => {
  it('writes through a temporary name in the same folder and leaves nothing else behind', async () => {
    const path = join(dir, 'a.json');
    await writeFileAtomic(path, '{"a":1}\n');
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('never replaces a file unless told to, and never writes through a symlink', async () => {
    const path = join(dir, 'a.json');
    await writeFile(path, 'old');
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow(`will not write ${path}: the file exists (use --force to replace it)`);
    expect(await readFile(path, 'utf8')).toBe('old');
    await writeFileAtomic(path, 'new', { overwrite: true });
    expect(await readFile(path, 'utf8')).toBe('new');

    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious');
    const link = join(dir, 'link.json');
    await symlink(victim, link);
    for (const overwrite of [false, true]) await expect(writeFileAtomic(link, 'evil', { overwrite })).rejects.toThrow(/symbolic link/);
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect(await readlink(link)).toBe(victim);
    expect((await readdir(dir)).sort()).toEqual(['a.json', 'link.json', 'victim.txt']);
  });

  it('refuses a name held by something other than a file, touching nothing', async () => {
    const path = join(dir, 'a.json');
    await writeFile(path, 'old');
    await mkdir(join(dir, 'd'));
    await expect(writeFileAtomic(join(dir, 'd'), 'x', { overwrite: true })).rejects.toThrow(/not a regular file/);
    expect(await readFile(path, 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['a.json', 'd']);
  });
});

describe('kill -9 while writing', () => {
  it('leaves the old file or the new one, whole, never a part (runs the built writer in a child)', async () => {
    const path = join(dir, 'rec.json');
    const old = JSON.stringify({ version: 'old', pad: 'o'.repeat(1_000) });
    await writeFile(path, old);
    const writer = new URL('../dist/node/write-file-atomic.js', import.meta.url).href;
    // The child rewrites the file over and over with 8 MB of JSON until it is killed.
    const script = `const { writeFileAtomic } = await import(${JSON.stringify(writer)});
      const text = JSON.stringify({ version: 'new', pad: 'n'.repeat(8 * 1024 * 1024) });
      process.stdout.write('ready\\n');
      for (;;) await writeFileAtomic(${JSON.stringify(path)}, text, { overwrite: true });`;
    for (const delay of [5, 23, 45, 60, 120]) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => child.stdout!.once('data', resolve));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const parsed = JSON.parse(await readFile(path, 'utf8'));
      expect(['old', 'new']).toContain(parsed.version);
    }
  });
});

describe('standin contract writes its files atomically', () => {
  it('refuses to replace an existing report or recording (before sending anything) unless --force', async () => {
    const json = join(dir, 'r.json');
    await writeFile(json, 'keep me');
    const args = ['--provider', 'anthropic', '--target', 'standin', '--quiet', '--only', 'createMessage.json.status', '--json', json];
    await expect(contract(args)).rejects.toThrow(`will not write ${json}: the file exists`);
    expect(await readFile(json, 'utf8')).toBe('keep me');
    const { code } = await contract([...args, '--force']);
    expect(code).toBe(0);
    expect(JSON.parse(await readFile(json, 'utf8')).ok).toBe(true);
  });

  it('never writes a recording through a symlink', async () => {
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious');
    await mkdir(join(dir, 'rec', 'anthropic'), { recursive: true });
    await symlink(victim, join(dir, 'rec', 'anthropic', 'anthropic.exchanges.json'));
    const args = ['--provider', 'anthropic', '--target', 'standin', '--quiet', '--only', 'createMessage.json.status', '--record', join(dir, 'rec'), '--force'];
    await expect(contract(args)).rejects.toThrow(/symbolic link/);
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect((await lstat(join(dir, 'rec', 'anthropic', 'anthropic.exchanges.json'))).isSymbolicLink()).toBe(true);
  });
});
