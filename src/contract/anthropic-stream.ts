/**
 * The Anthropic stream grammar, checked event by event, and the message its deltas add up to.
 * message_start, then per block (start, deltas of the block's kind, stop) with increasing indices,
 * then message_delta(s) with usage, then message_stop; ping anywhere; an error event ends the stream.
 * Allowances, from recorded API traffic: a reply stopped by max_tokens in the middle of a tool input
 * may leave that block open, its JSON cut short; a message_start may arrive pre-filled with blocks (the
 * streamed blocks' indices then continue after them) and, when it already carries its stop_reason, be
 * followed by message_stop with no message_delta. Event types the grammar does not know are ignored, as
 * the API's docs tell clients to do.
 */
type Obj = Record<string, any>;

const DELTA_FOR: Record<string, string[]> = {
  text: ['text_delta', 'citations_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  tool_use: ['input_json_delta'],
  server_tool_use: ['input_json_delta'],
  mcp_tool_use: ['input_json_delta'],
  compaction: ['compaction_delta'],
};

export interface StreamReport {
  violations: string[];
  message?: Obj;
  error?: Obj;
  /** Indices of tool_use blocks left open by a max_tokens stop, whose input JSON was cut short. */
  truncated: number[];
  /** Whether message_stop arrived. */
  stopped: boolean;
}

/**
 * Checks a stream given as its events with parsed data. On its own (`standalone`, the default) a stream
 * that ends without message_stop is a violation; the contract suite passes false and reads `stopped`.
 */
export function checkAnthropicStream(events: { event?: string; data: unknown }[], options: { standalone?: boolean } = {}): StreamReport {
  const violations: string[] = [];
  let message: Obj | undefined;
  const open = new Map<number, Obj>();
  const json = new Map<number, string>();
  let nextIndex = 0;
  let sawDelta = false;
  let stopped = false;
  let error: Obj | undefined;
  const truncated: number[] = [];
  for (const [i, raw] of events.entries()) {
    const e = raw.data as Obj;
    const where = `event ${i} (${String(e?.type)})`;
    if (raw.event !== undefined && raw.event !== e?.type) violations.push(`${where}: event name '${raw.event}' differs from data.type`);
    if (stopped) violations.push(`${where}: arrives after message_stop`);
    if (error) violations.push(`${where}: arrives after an error event`);
    if (i === 0 && e?.type !== 'message_start' && e?.type !== 'error') violations.push(`${where}: the first event must be message_start`);
    switch (e?.type) {
      case 'message_start': {
        if (message) violations.push(`${where}: a second message_start`);
        const prefilled: Obj[] = Array.isArray(e.message?.content) ? e.message.content : [];
        message = { ...e.message, content: [...prefilled], usage: { ...e.message?.usage } };
        nextIndex = prefilled.length;
        break;
      }
      case 'content_block_start':
        if (e.index !== nextIndex) violations.push(`${where}: index ${e.index}, expected ${nextIndex}`);
        if (open.size) violations.push(`${where}: block ${[...open.keys()][0]} is still open`);
        if (sawDelta) violations.push(`${where}: content after message_delta`);
        open.set(e.index, { ...e.content_block });
        nextIndex = e.index + 1;
        break;
      case 'content_block_delta': {
        const block = open.get(e.index);
        if (!block) {
          violations.push(`${where}: delta for block ${e.index}, which is not open`);
          break;
        }
        const allowed = DELTA_FOR[block.type] ?? [];
        if (!allowed.includes(e.delta?.type)) violations.push(`${where}: ${e.delta?.type} inside a ${block.type} block`);
        if (e.delta?.type === 'text_delta') block.text = (block.text ?? '') + e.delta.text;
        else if (e.delta?.type === 'thinking_delta') block.thinking = (block.thinking ?? '') + e.delta.thinking;
        else if (e.delta?.type === 'signature_delta') block.signature = e.delta.signature;
        else if (e.delta?.type === 'input_json_delta') json.set(e.index, (json.get(e.index) ?? '') + e.delta.partial_json);
        else if (e.delta?.type === 'citations_delta') block.citations = [...(block.citations ?? []), e.delta.citation];
        else if (e.delta?.type === 'compaction_delta') Object.assign(block, { content: e.delta.content, encrypted_content: e.delta.encrypted_content });
        break;
      }
      case 'content_block_stop': {
        const block = open.get(e.index);
        if (!block) {
          violations.push(`${where}: stop for block ${e.index}, which is not open`);
          break;
        }
        open.delete(e.index);
        if (json.has(e.index) || block.type === 'tool_use') {
          const text = json.get(e.index) ?? '';
          try {
            block.input = text === '' ? {} : JSON.parse(text);
          } catch {
            violations.push(`${where}: tool input JSON does not parse: ${text.slice(0, 60)}`);
          }
        }
        message?.content.push(block);
        break;
      }
      case 'message_delta':
        if (open.size) {
          // A reply cut off by max_tokens may end inside a tool input: the recorded API traffic does
          // exactly that (no content_block_stop, the input JSON cut short). Any other block must close.
          const [index, block] = [...open.entries()][0]!;
          if (e.delta?.stop_reason === 'max_tokens' && open.size === 1 && json.has(index)) {
            open.delete(index);
            try {
              block.input = JSON.parse(json.get(index) || '{}');
            } catch {
              block.input = {};
              truncated.push(index);
            }
            message?.content.push(block);
          } else {
            violations.push(`${where}: message_delta while block ${[...open.keys()][0]} is open`);
          }
        }
        sawDelta = true;
        if (!e.usage || typeof e.usage.output_tokens !== 'number') violations.push(`${where}: usage.output_tokens missing`);
        if (message) {
          Object.assign(message, { stop_reason: e.delta?.stop_reason, stop_sequence: e.delta?.stop_sequence });
          for (const [k, v] of Object.entries(e.usage ?? {})) if (v !== null && v !== undefined) message.usage[k] = v;
        }
        break;
      case 'message_stop':
        // A pre-filled message_start that already says why it stopped needs no message_delta.
        if (!sawDelta && !(message?.stop_reason && open.size === 0)) violations.push(`${where}: message_stop before any message_delta`);
        stopped = true;
        break;
      case 'ping':
        break;
      case 'error':
        error = e.error;
        break;
      default:
        // New event types may appear; clients must ignore them.
        break;
    }
  }
  if ((options.standalone ?? true) && !error && !stopped) violations.push('the stream ends without message_stop');
  if (!message && !error) violations.push('the stream has no message_start');
  return { violations, message, error, truncated, stopped };
}
