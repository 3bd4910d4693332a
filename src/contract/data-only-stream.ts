/** The line framing the OpenAI and Runware stream grammars share (data lines only, `[DONE]` or an error line last), read once for both. */
type Obj = Record<string, any>;

/**
 * Walks `data:` payloads (raw strings or already parsed), recording framing violations, and hands every
 * JSON-object chunk that is not an error line to `onChunk` with its place (`<noun> <i>`) for messages.
 */
export function readDataOnlyStream<E>(
  events: readonly { event?: string; data: unknown }[],
  noun: string,
  violations: string[],
  errorOf: (line: Obj) => E | undefined,
  onChunk: (chunk: Obj, where: string) => void,
): { done: boolean; error?: E } {
  let done = false;
  let error: E | undefined;
  for (const [i, raw] of events.entries()) {
    const where = `${noun} ${i}`;
    if (raw.event !== undefined && raw.event !== 'message') violations.push(`${where}: named event '${raw.event}' in a data-only stream`);
    if (done) violations.push(`${where}: arrives after [DONE]`);
    if (error) violations.push(`${where}: arrives after the error line`);
    if (raw.data === '[DONE]') {
      done = true;
      continue;
    }
    const data = parseData(raw.data);
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      violations.push(`${where}: data is not a JSON object: ${String(raw.data).slice(0, 60)}`);
      continue;
    }
    const lineError = errorOf(data as Obj);
    if (lineError !== undefined) {
      error = lineError;
      continue;
    }
    onChunk(data as Obj, where);
  }
  if (!error && !done) violations.push('the stream ends without [DONE]');
  return { done, error };
}

/** A payload as JSON: strings are parsed (undefined when they do not parse), anything else is taken as parsed. */
export function parseData(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
