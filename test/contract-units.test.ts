/** Small parts of the contract suite: key redaction, recording formats, citations. */
import { describe, expect, it } from 'vitest';
import { redactKey } from '../src/contract/target.js';
import { parseRecordingJson, RECORD_FORMAT } from '../src/contract/recordings.js';
import { statementAt } from '../src/contract/doc-source.js';
import { maximumOf } from '../src/contract/schema-facts.js';
import { protocols } from '../src/contract/protocols/index.js';
import { STOP_SEQUENCE, TOOL } from '../src/contract/inputs.js';
import { documentOf, setupFor } from './support/contract.js';

describe('redactKey', () => {
  const key = ['sk', 'ant', 'api03', 'abcdefghijklmnop', 'XYZ'].join('-'); // assembled: no key-shaped string committed
  it('hides the key, and its start or end where a mask shows the rest was cut', () => {
    expect(redactKey(`x-api-key: ${key}`, key)).toBe('x-api-key: [REDACTED]');
    expect(redactKey('invalid key sk-ant-api03-abcd...', key)).toBe('invalid key [REDACTED]');
    expect(redactKey('invalid key ...klmnop-XYZ', key)).toBe('invalid key [REDACTED]');
    expect(redactKey('nothing secret here', key)).toBe('nothing secret here');
    expect(redactKey('the alphabet starts abcdefgh', key)).toBe('the alphabet starts abcdefgh');
  });
  it('leaves text alone without a key', () => {
    expect(redactKey('sk-anything', undefined)).toBe('sk-anything');
  });
});

describe('recording formats', () => {
  it("reads standin's own format", () => {
    const read = parseRecordingJson('f.json', {
      format: RECORD_FORMAT,
      exchanges: [{ name: 'p', request: { method: 'POST', path: '/v1/messages' }, response: { status: 200, text: '{}' } }],
    });
    expect(read).toEqual([{ label: 'f.json#p', request: { method: 'POST', path: '/v1/messages' }, response: { status: 200, text: '{}' } }]);
  });
  it('reads nock fixtures, with headers as an object or as a flat list', () => {
    const read = parseRecordingJson('n.json', [
      { method: 'post', path: '/v1/messages?beta=true', body: { a: 1 }, status: 200, response: { ok: true }, rawHeaders: { 'Request-Id': 'req_1' } },
      { method: 'GET', path: '/v1/models', status: 200, response: 'plain', rawHeaders: ['Content-Type', 'text/plain'] },
    ])!;
    expect(read[0]).toMatchObject({ request: { method: 'POST', body: { a: 1 } }, response: { headers: { 'request-id': 'req_1' }, body: { ok: true } } });
    expect(read[1]).toMatchObject({ response: { headers: { 'content-type': 'text/plain' }, text: 'plain' } });
  });
  it('refuses anything else', () => {
    expect(parseRecordingJson('x.json', { hello: 1 })).toBeUndefined();
  });
});

describe('facts read from the documents', () => {
  it('finds statements through $refs and the tightest maximum through allOf overlays', async () => {
    const doc = await documentOf('bytespike');
    expect(statementAt(doc, '/paths/~1v1~1messages/post/responses/401/headers/request-id')).toMatch(/^Unique id of this request/);
    expect(maximumOf(doc, '/paths/~1v1~1messages/post/requestBody/content/application~1json/schema', ['max_tokens'])).toBe(8192);
    const runware = await documentOf('runware');
    expect(maximumOf(runware, '/paths/~1v1/post/requestBody/content/application~1json/schema', ['[]', 'settings', 'maxTokens'])).toBe(64000);
  });
});

describe('Protocol.readRequest', () => {
  it.each(Object.keys(protocols))('reads back what %s body() wrote', async (profile) => {
    const protocol = protocols[profile]!;
    const { ctx } = await setupFor(profile === 'runware-tasks' ? 'runware' : profile === 'openai-chat' ? 'aigateway' : 'anthropic', false);
    for (const request of [
      { model: 'm', maxTokens: 7, prompt: 'Hi', stream: true, stop: [STOP_SEQUENCE] },
      { model: 'm', maxTokens: 9, prompt: 'Call it', stream: true, tool: TOOL },
    ]) {
      expect(protocol.readRequest(protocol.body(request, ctx))).toMatchObject(request);
    }
    expect(protocol.readRequest(undefined)).toMatchObject({ maxTokens: undefined, stop: undefined, tool: undefined });
  });
});
