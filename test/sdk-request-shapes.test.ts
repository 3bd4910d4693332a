/**
 * Every request shape the installed @anthropic-ai/sdk declares is accepted by every Anthropic-native
 * provider: each tool type, each content block type (echoed server-tool turns included), each image and
 * document source, each block a tool_result may hold. The shapes are read from the SDK's own type
 * definitions, so the next SDK release shows here what the documents are missing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';
import { anthropicNative } from './support/server.js';
import {
  arrayElementMembers,
  BETA_MESSAGES_DTS as BETA,
  MESSAGES_DTS as GA,
  propertyLiterals,
  propertyMembers,
  unionMembers,
  type UnionMember,
} from './support/sdk-wire-types.js';

type Obj = Record<string, unknown>;

interface Shape {
  label: string;
  body: Obj;
  beta: boolean;
}

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The SDK's minimal samples use 'sample' for every string; a `url` must be a URL and image data an image. */
function realistic(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(realistic);
  if (value === null || typeof value !== 'object') return value;
  const out: Obj = {};
  for (const [key, v] of Object.entries(value as Obj)) out[key] = key === 'url' ? 'https://example.com/file' : realistic(v);
  if (out.type === 'base64' && String(out.media_type).startsWith('image/')) out.data = PNG_1PX;
  return out;
}

/** Blocks only a user turn carries; every other block is echoed from an earlier assistant reply. */
const USER_BLOCKS = new Set(['text', 'image', 'document', 'search_result', 'tool_result', 'container_upload']);

/** A conversation that holds `block` where a real client would put it. */
function conversationWith(block: Obj): Obj[] {
  const ask = { role: 'user', content: 'What is the weather in Paris?' };
  const goOn = { role: 'user', content: [{ type: 'text', text: 'Go on.' }] };
  const call = { type: 'tool_use', id: 'toolu_01shape', name: 'get_weather', input: { city: 'Paris' } };
  if (block.type === 'tool_result') {
    return [ask, { role: 'assistant', content: [call] }, { role: 'user', content: [{ ...block, tool_use_id: call.id }] }];
  }
  if (block.type === 'tool_use') {
    const echoed = { ...block, id: call.id, name: 'get_weather' };
    return [ask, { role: 'assistant', content: [echoed] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18°C' }] }];
  }
  if (USER_BLOCKS.has(String(block.type))) return [{ role: 'user', content: [block, { type: 'text', text: 'Describe this.' }] }];
  return [ask, { role: 'assistant', content: [block] }, goOn];
}

const weatherTool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };

function blockShape(label: string, block: Obj, beta: boolean): Shape {
  return { label, beta, body: { messages: conversationWith(realistic(block) as Obj), tools: [weatherTool] } };
}

function toolShapes(file: string, alias: string, beta: boolean): Shape[] {
  return unionMembers(file, alias).flatMap((m) =>
    (m.types.length ? m.types : [undefined]).map((type) => ({
      label: `${alias} ${m.name}${type ? ` (${type})` : ''}`,
      beta,
      body: { messages: [{ role: 'user', content: 'Hi' }], tools: [realistic(type ? { ...m.sample, type } : m.sample)] },
    })),
  );
}

/** Each block type, and each result or error object a server tool's result block may carry. */
function blockShapes(file: string, alias: string, beta: boolean): Shape[] {
  const shapes: Shape[] = [];
  for (const m of unionMembers(file, alias)) {
    shapes.push(blockShape(`${alias} ${m.name}`, m.sample, beta));
    if (/ToolResultBlockParam$/.test(m.name) && !/^(Beta)?ToolResultBlockParam$/.test(m.name)) {
      for (const content of propertyMembers(file, m.name, 'content').filter((c) => c.type)) {
        shapes.push(blockShape(`${m.name} holding ${content.name}`, { ...m.sample, content: content.sample }, beta));
      }
    }
  }
  return shapes;
}

function sourceShapes(file: string, owner: string, blockType: string, beta: boolean): Shape[] {
  return propertyMembers(file, owner, 'source').map((source: UnionMember) =>
    blockShape(`${owner} with ${source.name}`, { type: blockType, source: source.sample }, beta),
  );
}

function toolResultItemShapes(file: string, owner: string, beta: boolean): Shape[] {
  return arrayElementMembers(file, owner, 'content').map((item) =>
    blockShape(`${owner} holding ${item.name}`, { type: 'tool_result', tool_use_id: 'x', content: [item.sample] }, beta),
  );
}

function serverToolNameShapes(file: string, owner: string, beta: boolean): Shape[] {
  return propertyLiterals(file, owner, 'name').map((name) =>
    blockShape(`${owner} named ${name}`, { type: 'server_tool_use', id: 'srvtoolu_01shape', name, input: {} }, beta),
  );
}

function roleShapes(): Shape[] {
  return unionMembers(GA, 'MessageParam').map((m) => ({
    label: `MessageParam ${m.name}`,
    beta: false,
    body: { messages: [{ role: 'user', content: 'Hi' }, m.sample, { role: 'user', content: 'Go on.' }] },
  }));
}

const shapes: Shape[] = [
  ...toolShapes(GA, 'ToolUnion', false),
  ...toolShapes(BETA, 'BetaToolUnion', true),
  ...blockShapes(GA, 'ContentBlockParam', false),
  ...blockShapes(BETA, 'BetaContentBlockParam', true),
  ...sourceShapes(GA, 'ImageBlockParam', 'image', false),
  ...sourceShapes(GA, 'DocumentBlockParam', 'document', false),
  ...sourceShapes(BETA, 'BetaImageBlockParam', 'image', true),
  ...sourceShapes(BETA, 'BetaRequestDocumentBlock', 'document', true),
  ...toolResultItemShapes(GA, 'ToolResultBlockParam', false),
  ...toolResultItemShapes(BETA, 'BetaToolResultBlockParam', true),
  ...serverToolNameShapes(GA, 'ServerToolUseBlockParam', false),
  ...serverToolNameShapes(BETA, 'BetaServerToolUseBlockParam', true),
  ...roleShapes(),
];

let engine: Engine;
beforeAll(async () => {
  engine = createStandin({ documents: await loadDocuments(anthropicNative.map((p) => p.provider)) });
});

/** The beta names the SDK's `betas` option would send for these features. */
const BETAS = 'mcp-client-2025-11-20,code-execution-2025-08-25,computer-use-2025-11-24,compact-2026-01-12';

it('reads a sensible number of shapes from the SDK types', () => {
  const types = new Set(shapes.map((s) => s.label));
  expect(types.size).toBe(shapes.length);
  for (const needle of ['memory_20250818', 'web_fetch_20250910', 'code_execution_20250825', 'tool_search_tool_regex', 'mcp_toolset', 'BetaMCPToolUseBlockParam', 'FileImageSource', 'FileDocumentSource', 'ToolReferenceBlockParam', 'ContainerUploadBlockParam']) {
    expect(shapes.some((s) => s.label.includes(needle)), needle).toBe(true);
  }
});

describe.each(anthropicNative)('$provider accepts every request shape the SDK declares', ({ provider, model }) => {
  it.each(shapes.map((s) => [s.label, s] as const))('%s', async (_label, shape) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' };
    if (shape.beta) headers['anthropic-beta'] = BETAS;
    const body = { model, max_tokens: 64, ...shape.body };
    const res = await engine.fetch(new Request(`http://standin.test/${provider}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(body) }));
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect((JSON.parse(text) as Obj).type).toBe('message');
  });
});
