/**
 * Deliberate breaks applied to standin's in-process answers, to prove the suite
 * catches defects. Each mutant is a rewrite of some responses (status, headers, body, stream events),
 * applied through a wrapper target; the suite runs against the mutated target and must fail at least one
 * check (mutation-harness.ts). The unmutated target must pass everything, or the kills mean nothing.
 */
import { frameEvent } from '../sse/frame.js';
import { parseData } from './data-only-stream.js';
import { parseSseText } from './parse-sse.js';
import { textTask } from './protocols/runware.js';

type Obj = Record<string, any>;

/** What a mutant sees of the request it may rewrite the answer to. */
export interface RequestInfo {
  method: string;
  path: string;
  headers: Headers;
  body: any;
  stream: boolean;
}

export interface Mutant {
  id: string;
  provider: string;
  description: string;
  applies(request: RequestInfo): boolean;
  mutate(response: Response, request: RequestInfo): Promise<Response>;
  /** Forgets what a stateful mutant has seen (called before each run). */
  reset?(): void;
}

/** A mutant that breaks only the first attempt of each request it applies to (a transient fault). */
function firstAttemptOnly(mutant: Omit<Mutant, 'reset'>): Mutant {
  const seen = new Set<string>();
  return {
    ...mutant,
    applies: (r) => mutant.applies(r) && !seen.has(JSON.stringify(r.body ?? null)),
    mutate: (response, r) => {
      seen.add(JSON.stringify(r.body ?? null));
      return mutant.mutate(response, r);
    },
    reset: () => seen.clear(),
  };
}

interface Parts {
  status: number;
  headers: Headers;
  text: string;
}

async function partsOf(response: Response): Promise<Parts> {
  return { status: response.status, headers: new Headers(response.headers), text: await response.text() };
}

function rebuild(parts: Parts): Response {
  const headers = new Headers(parts.headers);
  headers.delete('content-length');
  return new Response(parts.text, { status: parts.status, headers });
}

/** Rewrites a JSON answer: `edit` may change the body in place or return a new one, and the status and headers. */
function editJson(edit: (body: Obj, parts: Parts, request: RequestInfo) => Obj | void) {
  return async (response: Response, request: RequestInfo): Promise<Response> => {
    const parts = await partsOf(response);
    let body: Obj;
    try {
      body = JSON.parse(parts.text) as Obj;
    } catch {
      return rebuild(parts);
    }
    const next = edit(body, parts, request) ?? body;
    return rebuild({ ...parts, text: JSON.stringify(next) });
  };
}

function editHeaders(edit: (headers: Headers, status: number) => void) {
  return async (response: Response): Promise<Response> => {
    const parts = await partsOf(response);
    edit(parts.headers, parts.status);
    return rebuild(parts);
  };
}

/** Rewrites a stream's events; `data` is parsed JSON, or the line itself where it is none (a `[DONE]` terminator). */
function editStream(edit: (events: { event?: string; data: any }[]) => { event?: string; data: any }[]) {
  return async (response: Response): Promise<Response> => {
    const parts = await partsOf(response);
    const events = parseSseText(parts.text).map((e) => ({ event: e.event, data: parseData(e.data) ?? e.data }));
    const text = edit(events)
      .map((e) => frameEvent(e, e.event ? 'named' : 'data'))
      .join('');
    return rebuild({ ...parts, text });
  };
}

const isType = (type: string) => (e: { data: any }) => e.data?.type === type;

const generate = (path: string) => (r: RequestInfo) => r.path.endsWith(path) && r.method === 'POST';

const messages = generate('/v1/messages');

const chat = generate('/v1/chat/completions');

const tasks = generate('/v1');

const authMissing = (r: RequestInfo) => !r.headers.has('x-api-key') && !r.headers.has('authorization');

const runwareStream = (r: RequestInfo) => textTask(r.body)?.deliveryMethod === 'stream';

const anthropicNative: Mutant[] = [
  {
    id: 'anthropic.stream.message-stop-dropped',
    provider: 'anthropic',
    description: 'message_stop is dropped from every stream',
    applies: (r) => messages(r) && r.stream,
    mutate: editStream((events) => events.filter((e) => !isType('message_stop')(e))),
  },
  {
    id: 'anthropic.error.wrong-type-for-status',
    provider: 'anthropic',
    description: 'a 401 says invalid_request_error instead of authentication_error',
    applies: (r) => messages(r) && authMissing(r),
    mutate: editJson((body) => {
      body.error.type = 'invalid_request_error';
    }),
  },
  {
    id: 'anthropic.header.request-id-missing',
    provider: 'anthropic',
    description: 'the request-id header is left off successful JSON answers',
    applies: (r) => messages(r) && !r.stream,
    mutate: editHeaders((h) => h.delete('request-id')),
  },
  {
    id: 'anthropic.stream.indices-out-of-order',
    provider: 'anthropic',
    description: 'content block indices start at 1 instead of 0',
    applies: (r) => messages(r) && r.stream,
    mutate: editStream((events) =>
      events.map((e) => (typeof e.data?.index === 'number' ? { ...e, data: { ...e.data, index: e.data.index + 1 } } : e)),
    ),
  },
  {
    id: 'anthropic.error.openai-envelope',
    provider: 'anthropic',
    description: "a 400 comes in the OpenAI envelope, the wrong provider's shape",
    applies: (r) => messages(r) && !authMissing(r) && r.body?.max_tokens === undefined,
    mutate: editJson((body) => ({ error: { message: body.error.message, type: body.error.type, param: null, code: null } })),
  },
  {
    id: 'anthropic.behaviour.stop-sequence-ignored',
    provider: 'anthropic',
    description: 'a stop sequence ends the answer but stop_reason says end_turn',
    applies: (r) => messages(r) && Array.isArray(r.body?.stop_sequences),
    mutate: editJson((body) => {
      body.stop_reason = 'end_turn';
      body.stop_sequence = null;
    }),
  },
  {
    id: 'anthropic.error.unknown-model-400',
    provider: 'anthropic',
    description: 'an unknown model gets 400 invalid_request_error, not the documented 404',
    applies: (r) => messages(r) && typeof r.body?.model === 'string' && r.body.model.includes('no-such-model'),
    mutate: editJson((body, parts) => {
      parts.status = 400;
      body.error.type = 'invalid_request_error';
    }),
  },
  {
    id: 'anthropic.models.unknown-id-found',
    provider: 'anthropic',
    description: 'GET /v1/models/{id} with an unknown id answers 200 with a made-up model instead of the documented 404',
    applies: (r) => r.method === 'GET' && r.path.includes('/v1/models/') && r.path.includes('no-such-model'),
    mutate: async (response, r) => {
      const parts = await partsOf(response);
      parts.status = 200;
      const id = decodeURIComponent(r.path.split('/').pop() ?? '');
      parts.text = JSON.stringify({ type: 'model', id, display_name: 'No such model', created_at: '2025-01-01T00:00:00Z' });
      return rebuild(parts);
    },
  },
  {
    id: 'anthropic.header.ratelimit-reset-malformed',
    provider: 'anthropic',
    description: 'anthropic-ratelimit-requests-reset is a Unix time, not RFC 3339',
    applies: (r) => messages(r),
    mutate: editHeaders((h, status) => {
      if (status === 200) h.set('anthropic-ratelimit-requests-reset', '1763726400');
    }),
  },
  {
    id: 'anthropic.count-tokens.field-missing',
    provider: 'anthropic',
    description: 'count_tokens answers without input_tokens',
    applies: (r) => r.path.endsWith('/v1/messages/count_tokens'),
    mutate: editJson(() => ({ tokens: 12 })),
  },
  {
    id: 'anthropic.models.has-more-missing',
    provider: 'anthropic',
    description: 'the model list leaves out has_more',
    applies: (r) => r.method === 'GET' && r.path.endsWith('/v1/models'),
    mutate: editJson((body) => {
      delete body.has_more;
    }),
  },
  {
    id: 'anthropic.stream.stop-reason-null',
    provider: 'anthropic',
    description: 'message_delta carries stop_reason null, so the streamed message never says why it ended',
    applies: (r) => messages(r) && r.stream,
    mutate: editStream((events) => events.map((e) => (isType('message_delta')(e) ? { ...e, data: { ...e.data, delta: { ...e.data.delta, stop_reason: null } } } : e))),
  },
  {
    id: 'anthropic.error.should-retry-true-on-401',
    provider: 'anthropic',
    description: 'a 401 says x-should-retry: true',
    applies: (r) => messages(r) && authMissing(r),
    mutate: editHeaders((h) => h.set('x-should-retry', 'true')),
  },
  {
    id: 'anthropic.error.request-id-mismatch',
    provider: 'anthropic',
    description: "an error body's request_id differs from the request-id header",
    applies: (r) => messages(r) && authMissing(r),
    mutate: editJson((body) => {
      body.request_id = 'req_011CSomethingElse0000000';
    }),
  },
  {
    id: 'anthropic.json.html-body',
    provider: 'anthropic',
    description: 'a successful call answers HTML instead of JSON',
    applies: (r) => messages(r) && !r.stream && r.body?.max_tokens === 16 && !r.body?.stop_sequences && !r.body?.tools,
    mutate: async (response) => {
      const parts = await partsOf(response);
      parts.headers.set('content-type', 'text/html; charset=utf-8');
      return rebuild({ ...parts, text: '<!doctype html><html><body><h1>Welcome</h1></body></html>' });
    },
  },
  {
    id: 'anthropic.stream.message-id-malformed',
    provider: 'anthropic',
    description: "message_start carries an OpenAI-style id, not the documented msg_ form",
    applies: (r) => messages(r) && r.stream,
    mutate: editStream((events) =>
      events.map((e) => (isType('message_start')(e) ? { ...e, data: { ...e.data, message: { ...e.data.message, id: 'chatcmpl-0001' } } } : e)),
    ),
  },
  firstAttemptOnly({
    id: 'anthropic.transient.undocumented-503-html',
    provider: 'anthropic',
    description: 'the first attempt of a plain call gets a 503 HTML page (a status anthropic.yaml does not document); the retry succeeds',
    applies: (r) => messages(r) && !r.stream && r.body?.max_tokens === 16 && !r.body?.tools && !r.body?.stop_sequences,
    mutate: async () => new Response('<html><body>503 Service Unavailable</body></html>', { status: 503, headers: { 'content-type': 'text/html' } }),
  }),
  {
    id: 'skillboss.stream.usage-missing',
    provider: 'skillboss',
    description: 'usage is missing from message_delta',
    applies: (r) => messages(r) && r.stream,
    mutate: editStream((events) =>
      events.map((e) => {
        if (!isType('message_delta')(e)) return e;
        const { usage: _drop, ...rest } = e.data;
        return { ...e, data: rest };
      }),
    ),
  },
  {
    id: 'skillboss.stream.block-stop-dropped',
    provider: 'skillboss',
    description: 'content_block_stop is dropped, so blocks never close',
    applies: (r) => messages(r) && r.stream,
    mutate: editStream((events) => events.filter((e) => !isType('content_block_stop')(e))),
  },
  {
    id: 'skillboss.error.missing-key-403',
    provider: 'skillboss',
    description: 'a missing key gets 403 instead of the documented 401',
    applies: (r) => messages(r) && authMissing(r),
    mutate: editJson((body, parts) => {
      parts.status = 403;
      body.error.type = 'permission_error';
    }),
  },
  {
    id: 'skillboss.stream.event-name-mismatch',
    provider: 'skillboss',
    description: "the event: line of each delta says content_block_start, not the data's type",
    applies: (r) => messages(r) && r.stream,
    mutate: editStream((events) => events.map((e) => (isType('content_block_delta')(e) ? { ...e, event: 'content_block_start' } : e))),
  },
  {
    id: 'bytespike.tool.input-not-matching-schema',
    provider: 'bytespike',
    description: "a forced tool call's input does not match the tool's input_schema",
    applies: (r) => messages(r) && !r.stream && Array.isArray(r.body?.tools),
    mutate: editJson((body) => {
      for (const block of body.content ?? []) if (block.type === 'tool_use') block.input = { town: 42 };
    }),
  },
  {
    id: 'bytespike.stream.delta-type-mismatch',
    provider: 'bytespike',
    description: 'a tool_use block is streamed with text_delta instead of input_json_delta',
    applies: (r) => messages(r) && r.stream && Array.isArray(r.body?.tools),
    mutate: editStream((events) =>
      events.map((e) =>
        e.data?.delta?.type === 'input_json_delta' ? { ...e, data: { ...e.data, delta: { type: 'text_delta', text: e.data.delta.partial_json } } } : e,
      ),
    ),
  },
  {
    id: 'bytespike.behaviour.max-tokens-ignored',
    provider: 'bytespike',
    description: 'a max_tokens of 1 is ignored: end_turn with more tokens',
    applies: (r) => messages(r) && r.body?.max_tokens === 1,
    mutate: editJson((body) => {
      body.stop_reason = 'end_turn';
      body.usage.output_tokens = 40;
    }),
  },
  {
    id: 'bytespike.header.ratelimit-incomplete',
    provider: 'bytespike',
    description: 'X-RateLimit-Reset is left off while the other rate-limit headers are sent',
    applies: (r) => messages(r),
    mutate: editHeaders((h) => h.delete('x-ratelimit-reset')),
  },
  {
    id: 'bytespike.header.estimated-credits-not-a-number',
    provider: 'bytespike',
    description: 'x-bytespike-estimated-credits is not a number',
    applies: (r) => messages(r),
    mutate: editHeaders((h, status) => {
      if (status === 200) h.set('x-bytespike-estimated-credits', 'about five');
    }),
  },
];

const aigateway: Mutant[] = [
  {
    id: 'aigateway.stream.chunk-ids-differ',
    provider: 'aigateway',
    description: 'OpenAI chunks of one stream carry differing ids',
    applies: (r) => chat(r) && r.stream,
    mutate: editStream((events) => events.map((e, i) => (typeof e.data === 'object' && e.data?.id ? { ...e, data: { ...e.data, id: `${e.data.id}${i}` } } : e))),
  },
  {
    id: 'aigateway.stream.done-missing',
    provider: 'aigateway',
    description: 'the [DONE] line is missing',
    applies: (r) => chat(r) && r.stream,
    mutate: editStream((events) => events.filter((e) => e.data !== '[DONE]')),
  },
  {
    id: 'aigateway.stream.include-usage-chunk-missing',
    provider: 'aigateway',
    description: 'the include_usage chunk is missing',
    applies: (r) => chat(r) && r.stream,
    mutate: editStream((events) => events.filter((e) => !(typeof e.data === 'object' && e.data?.usage && e.data.choices?.length === 0))),
  },
  {
    id: 'aigateway.error.anthropic-envelope',
    provider: 'aigateway',
    description: "a 401 comes in Anthropic's envelope, the wrong provider's shape",
    applies: (r) => chat(r) && authMissing(r),
    mutate: editJson((body) => ({ type: 'error', error: { type: 'authentication_error', message: body.error.message } })),
  },
  {
    id: 'aigateway.stream.finish-reason-missing',
    provider: 'aigateway',
    description: 'no chunk carries a finish_reason',
    applies: (r) => chat(r) && r.stream,
    mutate: editStream((events) =>
      events.map((e) =>
        typeof e.data === 'object' && Array.isArray(e.data?.choices)
          ? { ...e, data: { ...e.data, choices: e.data.choices.map((c: Obj) => ({ ...c, finish_reason: null })) } }
          : e,
      ),
    ),
  },
  {
    id: 'aigateway.json.usage-total-wrong',
    provider: 'aigateway',
    description: 'usage.total_tokens is not prompt_tokens + completion_tokens',
    applies: (r) => chat(r) && !r.stream,
    mutate: editJson((body, parts) => {
      if (parts.status === 200 && body.usage) body.usage.total_tokens += 7;
    }),
  },
  {
    id: 'aigateway.tool.arguments-not-matching-schema',
    provider: 'aigateway',
    description: "a forced tool call's arguments do not match the function's parameters",
    applies: (r) => chat(r) && !r.stream && Array.isArray(r.body?.tools),
    mutate: editJson((body) => {
      for (const c of body.choices ?? []) for (const t of c.message?.tool_calls ?? []) t.function.arguments = '{"city": 7}';
    }),
  },
  {
    id: 'aigateway.header.request-id-missing',
    provider: 'aigateway',
    description: 'x-request-id is left off every answer',
    applies: (r) => chat(r),
    mutate: editHeaders((h) => h.delete('x-request-id')),
  },
  {
    id: 'aigateway.behaviour.length-reported-as-stop',
    provider: 'aigateway',
    description: 'a max_tokens stop is reported as finish_reason stop',
    applies: (r) => chat(r) && r.body?.max_tokens === 1,
    mutate: editJson((body) => {
      for (const c of body.choices ?? []) c.finish_reason = 'stop';
    }),
  },
  firstAttemptOnly({
    id: 'aigateway.transient.429-anthropic-envelope',
    provider: 'aigateway',
    description: "the first attempt of each call gets a 429 in Anthropic's envelope; the retry succeeds",
    applies: (r) => chat(r) && !authMissing(r),
    mutate: async () =>
      Response.json(
        { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
        { status: 429, headers: { 'retry-after': '0', 'x-request-id': 'req_0000' } },
      ),
  }),
  {
    id: 'aigateway.stream.usage-chunk-not-last',
    provider: 'aigateway',
    description: 'the include_usage chunk comes before the finish_reason chunk',
    applies: (r) => chat(r) && r.stream,
    mutate: editStream((events) => {
      const at = events.findIndex((e) => typeof e.data === 'object' && e.data?.usage && e.data.choices?.length === 0);
      if (at < 1) return events;
      const copy = [...events];
      const [usage] = copy.splice(at, 1);
      copy.splice(at - 1, 0, usage!);
      return copy;
    }),
  },
  {
    id: 'aigateway.models.object-wrong',
    provider: 'aigateway',
    description: "the model list says object 'models' instead of 'list'",
    applies: (r) => r.method === 'GET' && r.path.endsWith('/v1/models'),
    mutate: editJson((body) => {
      body.object = 'models';
    }),
  },
];

const runware: Mutant[] = [
  {
    id: 'runware.json.task-uuid-not-echoed',
    provider: 'runware',
    description: "a result's taskUUID is not the request's",
    applies: (r) => tasks(r) && !runwareStream(r),
    mutate: editJson((body) => {
      for (const item of body.data ?? []) item.taskUUID = '00000000-0000-4000-8000-000000000000';
    }),
  },
  {
    id: 'runware.stream.final-chunk-missing',
    provider: 'runware',
    description: 'the final chunk (finishReason) is missing from the stream',
    applies: (r) => tasks(r) && runwareStream(r),
    mutate: editStream((events) => events.filter((e) => !(typeof e.data === 'object' && e.data?.finishReason))),
  },
  {
    id: 'runware.stream.final-text-differs',
    provider: 'runware',
    description: "the final chunk's text is not what the deltas add up to",
    applies: (r) => tasks(r) && runwareStream(r),
    mutate: editStream((events) =>
      events.map((e) => (typeof e.data === 'object' && e.data?.finishReason ? { ...e, data: { ...e.data, text: `${e.data.text ?? ''} (edited)` } } : e)),
    ),
  },
  {
    id: 'runware.error.anthropic-envelope',
    provider: 'runware',
    description: "a 401 comes in Anthropic's envelope, the wrong provider's shape",
    applies: (r) => tasks(r) && authMissing(r),
    mutate: editJson((body) => ({ type: 'error', error: { type: 'authentication_error', message: body.errors?.[0]?.message ?? 'no key' } })),
  },
  {
    id: 'runware.stream.task-uuid-not-echoed',
    provider: 'runware',
    description: "the stream's chunks name another taskUUID than the request's",
    applies: (r) => tasks(r) && runwareStream(r),
    mutate: editStream((events) =>
      events.map((e) => (typeof e.data === 'object' && e.data?.taskUUID ? { ...e, data: { ...e.data, taskUUID: '00000000-0000-4000-8000-000000000000' } } : e)),
    ),
  },
  {
    id: 'runware.stream.done-missing',
    provider: 'runware',
    description: 'the [DONE] line is missing',
    applies: (r) => tasks(r) && runwareStream(r),
    mutate: editStream((events) => events.filter((e) => e.data !== '[DONE]')),
  },
  {
    id: 'runware.tool.arguments-not-matching-schema',
    provider: 'runware',
    description: "a forced tool call's arguments do not match the tool's schema",
    applies: (r) => tasks(r) && !runwareStream(r) && Array.isArray(textTask(r.body)?.tools),
    mutate: editJson((body) => {
      for (const item of body.data ?? []) for (const call of item.toolCalls ?? []) call.arguments = { city: ['Paris'] };
    }),
  },
  {
    id: 'runware.error.wrong-code',
    provider: 'runware',
    description: 'a missing key is reported with code invalidParameter',
    applies: (r) => tasks(r) && authMissing(r),
    mutate: editJson((body) => {
      for (const e of body.errors ?? []) e.code = 'invalidParameter';
    }),
  },
  {
    id: 'runware.behaviour.stop-sequence-ignored',
    provider: 'runware',
    description: 'a stop sequence is reported as finishReason length',
    applies: (r) => tasks(r) && Array.isArray(textTask(r.body)?.settings?.stopSequences),
    mutate: editJson((body) => {
      for (const item of body.data ?? []) item.finishReason = 'length';
    }),
  },
];

export const mutants: Mutant[] = [...anthropicNative, ...aigateway, ...runware];
