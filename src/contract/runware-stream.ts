/**
 * The Runware text-inference stream grammar (shared/runware-tasks.yaml `TextInferenceStreamItem`),
 * checked chunk by chunk, and the result its deltas add up to. A data-only stream: every chunk names the
 * task's one `taskUUID`; a result grows by `delta.text` / `delta.reasoningContent` chunks and closes with
 * exactly one final chunk carrying `finishReason` (and, from standin and Runware alike, `taskType` and the
 * whole `text`, which must equal the deltas); `data: [DONE]` comes last. An `{"errors": [...]}` line ends
 * the stream instead, with nothing after it (no `[DONE]`). Results are told apart by `resultIndex`
 * (absent means 0). Web APIs only.
 */
import { readDataOnlyStream, streamCheckOptions, type StreamCheckOptions } from './data-only-stream.js';

type Obj = Record<string, any>;

/** One result as the stream built it, shaped like the JSON `TextInferenceResult` fields it carries. */
export interface RunwareStreamResult {
  taskUUID?: string;
  resultIndex?: number;
  text: string;
  /** The reasoning deltas joined; empty when the task did not think. */
  reasoningContent: string;
  finishReason?: string;
  toolCalls?: Obj[];
  usage?: Obj;
  cost?: number;
}

export interface RunwareStreamReport {
  /** Empty when the stream follows the grammar. */
  violations: string[];
  /** The first (usually only) result, when any chunk for it came. */
  result?: RunwareStreamResult;
  /** Every result, by resultIndex. */
  results: RunwareStreamResult[];
  /** The `errors` list of an error line, when the stream ended with one. */
  error?: Obj[];
  /** Whether the terminator line (`[DONE]` unless told otherwise) arrived. */
  done: boolean;
  /** The first final chunk whose `text` differs from what its deltas add up to, described; undefined when all agree. */
  assembledMismatch?: string;
}

/**
 * Checks a stream given as its `data:` payloads in order, either raw (`parseSseText` output, `[DONE]`
 * included) or already parsed as JSON (with `[DONE]` as the string). On its own (the default) a missing
 * terminator and a final text that differs from the deltas are violations; see `StreamCheckOptions`.
 */
export function checkRunwareStream(events: readonly { event?: string; data: unknown }[], options: StreamCheckOptions = {}): RunwareStreamReport {
  const violations: string[] = [];
  const results = new Map<number, RunwareStreamResult & { closed: boolean }>();
  let taskUUID: string | undefined;
  const mismatches: string[] = [];

  const errorOf = (line: Obj): Obj[] | undefined => (Array.isArray(line.errors) ? line.errors : undefined);
  const { done, error } = readDataOnlyStream(events, 'chunk', violations, errorOf, (chunk, where) => {
    if (typeof chunk.taskUUID !== 'string') violations.push(`${where}: no taskUUID`);
    else if (taskUUID === undefined) taskUUID = chunk.taskUUID;
    else if (chunk.taskUUID !== taskUUID) violations.push(`${where}: taskUUID ${chunk.taskUUID} differs from ${taskUUID}`);

    const index = chunk.resultIndex ?? 0;
    let result = results.get(index);
    if (!result) {
      result = { taskUUID: chunk.taskUUID, text: '', reasoningContent: '', closed: false };
      if (chunk.resultIndex !== undefined) result.resultIndex = chunk.resultIndex;
      results.set(index, result);
    }
    if (result.closed) violations.push(`${where}: result ${index} continues after its final chunk`);

    if (chunk.delta !== undefined) {
      const delta = chunk.delta as Obj;
      if (typeof delta?.text === 'string') result.text += delta.text;
      else if (typeof delta?.reasoningContent === 'string') result.reasoningContent += delta.reasoningContent;
      else violations.push(`${where}: delta has neither text nor reasoningContent`);
      if (chunk.finishReason !== undefined) violations.push(`${where}: a delta chunk also carries finishReason`);
    } else if (typeof chunk.finishReason === 'string') {
      const mismatch = closeResult(result, chunk, where, violations);
      if (mismatch) mismatches.push(mismatch);
    } else {
      violations.push(`${where}: neither a delta, a final chunk nor an error`);
    }
  }, options);
  if (streamCheckOptions(options).standalone) violations.push(...mismatches);

  if (!error) {
    if (results.size === 0) violations.push('the stream carries no result');
    for (const [index, result] of results) if (!result.closed) violations.push(`result ${index} has no final chunk`);
  }
  const ordered = [...results.entries()].sort((a, b) => a[0] - b[0]).map(([, { closed: _c, ...r }]) => r);
  return { violations, result: ordered[0], results: ordered, error, done, assembledMismatch: mismatches[0] };
}

/** Closes a result with its final chunk; answers how its text differs from the deltas, when it does. */
function closeResult(result: RunwareStreamResult & { closed: boolean }, chunk: Obj, where: string, violations: string[]): string | undefined {
  result.closed = true;
  result.finishReason = chunk.finishReason;
  if (chunk.taskType !== undefined && chunk.taskType !== 'textInference') violations.push(`${where}: taskType '${chunk.taskType}'`);
  const mismatch =
    typeof chunk.text === 'string' && chunk.text !== result.text
      ? `${where}: final text differs from the deltas (${JSON.stringify(chunk.text.slice(0, 40))} vs ${JSON.stringify(result.text.slice(0, 40))})`
      : undefined;
  if (chunk.toolCalls !== undefined) result.toolCalls = chunk.toolCalls;
  if (chunk.finishReason === 'tool_calls' && !(Array.isArray(chunk.toolCalls) && chunk.toolCalls.length > 0)) {
    violations.push(`${where}: finishReason tool_calls without toolCalls`);
  }
  if (chunk.usage !== undefined) {
    result.usage = chunk.usage;
    const u = chunk.usage as Obj;
    if (u.totalTokens !== u.promptTokens + u.completionTokens) {
      violations.push(`${where}: usage.totalTokens ${u.totalTokens} is not promptTokens + completionTokens (${u.promptTokens} + ${u.completionTokens})`);
    }
    if (typeof u.thinkingTokens === 'number' && u.thinkingTokens > u.completionTokens) {
      violations.push(`${where}: usage.thinkingTokens exceeds completionTokens`);
    }
  }
  if (chunk.cost !== undefined) result.cost = chunk.cost;
  return mismatch;
}
