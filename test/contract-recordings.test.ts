/**
 * Real traffic recorded from the live Anthropic and OpenAI APIs (test/data/real-recordings) conforms to the
 * Anthropic-native and OpenAI-compatible documents, read as it is; and the recorded path is not vacuous:
 * the same recordings, broken, fail.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runContract } from '../src/contract/run.js';
import { createRecordedTarget } from '../src/contract/target.js';
import { readRecordings } from '../src/node/read-recordings.js';
import { setupFor } from './support/contract.js';

const recordings = fileURLToPath(new URL('./data/real-recordings/', import.meta.url));

async function checkRecordings(provider: string, dir = recordings) {
  const { ctx, protocol } = await setupFor(provider, false);
  const found = await readRecordings(dir, [provider, ...protocol.recordingFolders]);
  const report = await runContract(ctx, protocol, createRecordedTarget(found.folder, found.exchanges));
  const evaluated = new Set(report.checks.filter((c) => c.outcome !== 'skip' && c.id.includes('@')).map((c) => c.id.split('@')[1]));
  return { report, found, evaluated };
}

describe('recorded Anthropic traffic', () => {
  it.each(['anthropic', 'skillboss', 'bytespike'])('conforms to %s.yaml', async (provider) => {
    const { report, found, evaluated } = await checkRecordings(provider);
    expect(found.ignored).toEqual([]);
    expect(report.checks.filter((c) => c.outcome === 'fail').map((c) => `${c.id}: ${c.received}`)).toEqual([]);
    // 10 JSON exchanges from the tool runner and 3 raw streams, each matched to a probe and checked.
    expect(evaluated.size).toBe(13);
    expect([...evaluated].filter((l) => l.endsWith('.sse')).sort()).toEqual([
      'basic_response.sse',
      'incomplete_partial_json_response.sse',
      'tool_use_response.sse',
    ]);
  });

  it('checks the recorded headers: request-id present, no rate-limit headers (so none are required)', async () => {
    const { report } = await checkRecordings('anthropic');
    const requestId = report.checks.filter((c) => c.id.startsWith('anthropic.createMessage.json.header.request-id@'));
    expect(requestId).toHaveLength(10);
    expect(requestId.every((c) => c.outcome === 'pass')).toBe(true);
  });

  it('fails the same streams once broken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'standin-rec-'));
    try {
      await cp(join(recordings, 'anthropic'), join(dir, 'anthropic'), { recursive: true });
      const file = join(dir, 'anthropic', 'basic_response.sse');
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace(/event: message_stop\ndata: .*\n/, ''));
      const tool = join(dir, 'anthropic', 'tool_use_response.sse');
      await writeFile(tool, (await readFile(tool, 'utf8')).replace('"index":1,"content_block"', '"index":2,"content_block"'));
      const { report } = await checkRecordings('anthropic', dir);
      const failed = report.checks.filter((c) => c.outcome === 'fail').map((c) => c.id);
      expect(failed).toContain('anthropic.createMessage.stream.termination@basic_response.sse');
      expect(failed).toContain('anthropic.createMessage.stream.grammar@tool_use_response.sse');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('accepts the stream cut off by max_tokens inside a tool input, and only that', async () => {
    const { report } = await checkRecordings('anthropic');
    const cut = report.checks.filter((c) => c.id.endsWith('@incomplete_partial_json_response.sse'));
    expect(cut.filter((c) => c.outcome === 'pass').map((c) => c.id.split('@')[0]!.split('.').at(-1))).toEqual(
      expect.arrayContaining(['grammar', 'termination', 'usage', 'assembled']),
    );
    const dir = await mkdtemp(join(tmpdir(), 'standin-rec-'));
    try {
      await cp(join(recordings, 'anthropic'), join(dir, 'anthropic'), { recursive: true });
      const file = join(dir, 'anthropic', 'incomplete_partial_json_response.sse');
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace('"stop_reason":"max_tokens"', '"stop_reason":"end_turn"'));
      const broken = await checkRecordings('anthropic', dir);
      expect(broken.report.checks.find((c) => c.id === 'anthropic.createMessage.stream.grammar@incomplete_partial_json_response.sse')?.outcome).toBe('fail');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('recorded OpenAI traffic', () => {
  it('conforms to aigateway.yaml (the OpenAI-compatible document)', async () => {
    const { report, found, evaluated } = await checkRecordings('aigateway');
    expect(found.ignored).toEqual([]);
    expect(report.checks.filter((c) => c.outcome === 'fail').map((c) => `${c.id}: ${c.received}`)).toEqual([]);
    expect(evaluated.size).toBe(found.exchanges.length);
    expect(evaluated.size).toBe(12);
  });

  it('fails a recorded stream once its [DONE] is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'standin-rec-'));
    try {
      await cp(join(recordings, 'openai'), join(dir, 'openai'), { recursive: true });
      const file = join(dir, 'openai', '4cc50a6135d2.sse');
      await writeFile(file, (await readFile(file, 'utf8')).replace('data: [DONE]', ''));
      const { report } = await checkRecordings('aigateway', dir);
      expect(report.checks.find((c) => c.id === 'aigateway.createChatCompletion.stream.termination@4cc50a6135d2.sse')?.outcome).toBe('fail');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('checks with no recorded exchange', () => {
  it('are skipped, not failed', async () => {
    const { report } = await checkRecordings('anthropic');
    const errors = report.checks.filter((c) => c.probe.startsWith('createMessage.error.'));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((c) => c.outcome === 'skip' && c.reason === 'no recorded exchange matches this probe')).toBe(true);
  });
});
