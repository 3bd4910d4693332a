/** One small valid request per provider, as a client would send it (used by the tool-level tests). */
export interface SampleRequest {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

const anthropicHeaders = { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' };

export const sampleRequests: Record<string, SampleRequest> = {
  skillboss: {
    path: '/v1/messages',
    headers: anthropicHeaders,
    body: { model: 'anthropic/claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] },
  },
  bytespike: {
    path: '/v1/messages',
    headers: anthropicHeaders,
    body: { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Classify: my order is late.' }] },
  },
  anthropic: {
    path: '/v1/messages',
    headers: anthropicHeaders,
    body: { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, Claude' }] },
  },
  aigateway: {
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-aig-test' },
    body: { model: 'anthropic/claude-haiku-4.5', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] },
  },
  runware: {
    path: '/v1',
    headers: { 'content-type': 'application/json', authorization: 'Bearer rw-test' },
    body: [
      {
        taskType: 'textInference',
        taskUUID: '5f0c2a8e-5b7d-4c1e-9a6f-2d8b7e4c1a90',
        model: 'anthropic:claude@haiku-4.5',
        messages: [{ role: 'user', content: 'Hello' }],
        settings: { maxTokens: 64 },
      },
    ],
  },
};
