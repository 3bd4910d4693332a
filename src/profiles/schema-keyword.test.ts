import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../node/load-documents.js';
import type { JsonObject, ProviderRuntime } from '../core/types.js';
import { createStandin } from '../standin.js';
import { outputCap } from './openai-chat/output-cap.js';
import { findNumber, requireNumber } from './schema-keyword.js';

let documents: Record<string, JsonObject>;
beforeAll(async () => {
  documents = await loadDocuments(['aigateway', 'runware']);
});

const providerOf = (name: string, doc: JsonObject): ProviderRuntime => createStandin({ documents: { [name]: doc } }).providers[0]!;
function findObject(node: any, test: (o: any) => boolean): any {
  if (node === null || typeof node !== 'object') return undefined;
  if (!Array.isArray(node) && test(node)) return node;
  for (const child of Object.values(node)) {
    const hit = findObject(child, test);
    if (hit) return hit;
  }
  return undefined;
}
const MAX_TOKENS = ['x-standin-task-schemas', 'textInference', 'properties', 'settings', 'properties', 'maxTokens'];

describe('numbers read from the document', () => {
  it('follows $refs to the maxTokens default and maximum Runware documents', () => {
    const provider = providerOf('runware', documents.runware!);
    const op = provider.operations.find((o) => o.operationId === 'runTasks')!;
    expect(requireNumber(provider, op, MAX_TOKENS, 'default')).toBe(4096);
    expect(findNumber(provider, op, MAX_TOKENS, 'maximum')).toBe(64000);
    expect(findNumber(provider, op, [...MAX_TOKENS.slice(0, -1), 'noSuchField'], 'default')).toBeUndefined();
  });

  it("takes the chat output cap from the request schema's maximum", () => {
    const provider = providerOf('aigateway', documents.aigateway!);
    const op = provider.operations.find((o) => o.operationId === 'createChatCompletion')!;
    expect(outputCap(provider, op)).toBe(8192);
  });

  it('throws, naming the place, when the document lacks the number', () => {
    const doc = structuredClone(documents.aigateway!) as any;
    const properties = doc.components.schemas.CreateChatCompletionRequest.properties;
    delete properties.max_tokens.maximum;
    delete properties.max_completion_tokens.maximum;
    const provider = providerOf('aigateway', doc);
    const op = provider.operations.find((o) => o.operationId === 'createChatCompletion')!;
    expect(() => outputCap(provider, op)).toThrow(/createChatCompletion needs a numeric `maximum` at .*max_tokens/);

    const runware = structuredClone(documents.runware!) as any;
    // Wherever the bundler put TextInferenceSettings, its maxTokens is the object with this description.
    const maxTokens = findObject(runware, (o) => o.description === 'Most tokens to generate.' && o.default === 4096)!;
    delete maxTokens.default;
    const rw = providerOf('runware', runware);
    expect(() => requireNumber(rw, rw.operations[0]!, MAX_TOKENS, 'default')).toThrow(/runTasks needs a numeric `default`/);
  });
});
