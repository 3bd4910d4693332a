/**
 * Message threads (beta `message-threads-2026-08-12`): with `thread: {type: "create"}` the server keeps
 * the conversation under the answer's id; `thread: {type: "continue", previous_message_id}` sends only
 * the new turn, and the server puts the kept history, system prompt and tools in front of it. SDK 1.16's
 * `toolRunner` and `messages.thread()` send threads by default. Kept in the state store per session and
 * provider, so every process sharing a store continues the same threads.
 */
import { stateKey } from '../../core/state/store.js';
import type { Json, OperationContext, OperationResult } from '../../core/types.js';

type Body = Record<string, unknown>;

interface ThreadState {
  model: string;
  system: Json | null;
  tools: Json | null;
  messages: Json[];
  continued: boolean;
}

/** Real threads outlive a session of tests; this only bounds the store's memory. */
const THREAD_TTL_MS = 24 * 60 * 60 * 1000;

/** Top-level request fields a thread cannot carry (SDK 1.16 `ThreadUnsupportedFeatureName`). */
function unsupportedWith(body: Body): string[] {
  const out: string[] = [];
  if (body.cache_control != null) out.push('cache_control');
  if (body.context_management != null) out.push('context_management');
  const thinking = body.thinking as Body | undefined;
  if (thinking && thinking.type !== 'disabled') out.push('thinking');
  return out;
}

export type ThreadOutcome =
  | { ok: true; body: Body; save?: (message: { id: string; content: unknown }) => Promise<void> }
  | { ok: false; result: OperationResult };

function threadKey(ctx: OperationContext, messageId: string): string {
  return stateKey(ctx.session, 'thread', ctx.provider.name, messageId);
}

/** The request as the model sees it: the body itself, or for a `continue` the thread's history in front of it. */
export async function resolveThread(ctx: OperationContext, body: Body): Promise<ThreadOutcome> {
  const thread = body.thread as Body | null | undefined;
  if (thread == null) return { ok: true, body };
  const unsupported = unsupportedWith(body);
  if (unsupported.length) {
    return refuse(ctx, 400, 'invalid_request_error', `thread: Threads do not support ${unsupported.join(', ')}; send the full conversation without \`thread\``, {
      error_code: 'thread_unsupported_request',
      unsupported,
    });
  }
  let full = body;
  let previous: { key: string; state: ThreadState } | undefined;
  if (thread.type === 'continue') {
    const key = threadKey(ctx, String(thread.previous_message_id));
    const state = (await ctx.store.get(key)) as ThreadState | undefined;
    if (!state) {
      return refuse(ctx, 404, 'not_found_error', `thread.previous_message_id: no thread state for '${String(thread.previous_message_id)}'; replay the conversation with thread {"type": "create"}`, {
        error_code: 'thread_not_found',
      });
    }
    if (state.continued) {
      return refuse(ctx, 400, 'invalid_request_error', `thread.previous_message_id: '${String(thread.previous_message_id)}' has already been continued; continue from the thread's latest response`, {
        error_code: 'thread_already_continued',
      });
    }
    const changed = (['model', 'system', 'tools'] as const).filter((f) => body[f] !== undefined && JSON.stringify(body[f]) !== JSON.stringify(state[f] ?? undefined));
    if (changed.length) {
      return refuse(ctx, 400, 'invalid_request_error', `thread: ${changed.join(', ')} differ from the values stored with the thread`, { error_code: 'thread_fingerprint_mismatch' });
    }
    full = { ...body, messages: [...state.messages, ...(body.messages as Json[])] };
    if (state.system != null) full.system = state.system;
    if (state.tools != null) full.tools = state.tools;
    previous = { key, state };
  }
  const save = async (message: { id: string; content: unknown }): Promise<void> => {
    const next: ThreadState = {
      model: String(full.model),
      system: (full.system ?? null) as Json | null,
      tools: (full.tools ?? null) as Json | null,
      messages: [...(full.messages as Json[]), { role: 'assistant', content: message.content as Json }],
      continued: false,
    };
    await ctx.store.set(threadKey(ctx, message.id), next as unknown as Json, THREAD_TTL_MS);
    // Each response can be continued once.
    if (previous) await ctx.store.set(previous.key, { ...previous.state, continued: true } as unknown as Json, THREAD_TTL_MS);
  };
  return { ok: true, body: full, save };
}

/** The thread errors carry `error.details.error_code`, which the SDK reads to replay or stop threading. */
function refuse(ctx: OperationContext, status: number, type: string, message: string, details: Body): { ok: false; result: OperationResult } {
  return {
    ok: false,
    result: { kind: 'json', status, body: { type: 'error', error: { type, message, details }, request_id: ctx.requestId } },
  };
}
