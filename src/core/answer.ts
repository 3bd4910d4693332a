/**
 * A neutral answer: what the model says, independent of any wire format. A hand-written fixture holds
 * one; each profile renders it as its own JSON body and its own stream (`Profile.renderAnswer`), so one
 * fixture serves every provider.
 */

export type AnswerStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

export interface AnswerToolCall {
  name: string;
  input: Record<string, unknown>;
}

export interface Answer {
  text?: string;
  /** Shown as a thinking block (Anthropic) or reasoning content (Runware); OpenAI chat has no field. */
  thinking?: string;
  toolCalls?: AnswerToolCall[];
  /** Defaults to `tool_use` when there are tool calls, else `end_turn`; each profile maps it to its own. */
  stopReason?: AnswerStopReason;
  /** Token counts; standin counts them as it does for synthesis when absent. */
  usage?: { inputTokens?: number; outputTokens?: number };
  /** Answer with this documented error status instead (the provider's own error body and headers). */
  error?: { status: number; message?: string };
}

export const STOP_REASONS: readonly AnswerStopReason[] = ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use'];

export function stopReasonOf(answer: Answer): AnswerStopReason {
  return answer.stopReason ?? (answer.toolCalls?.length ? 'tool_use' : 'end_turn');
}

/** The OpenAI / Runware spelling of a stop reason. */
export function finishReasonOf(answer: Answer): 'stop' | 'length' | 'tool_calls' {
  const reason = stopReasonOf(answer);
  return reason === 'tool_use' ? 'tool_calls' : reason === 'max_tokens' ? 'length' : 'stop';
}
