/** The line framing the OpenAI and Runware stream grammars share (data lines only, a terminator or an error line last), read once for both. */
type Obj = Record<string, any>;

/** How a stream checker is used: on its own, or by the contract suite, which reads the end of stream from the document. */
export interface StreamCheckOptions {
  /**
   * The data line that ends the stream (the document's `x-standin-sse` terminator); `null` when the
   * document names none, so the body simply ends. Default `[DONE]`.
   */
  terminator?: string | null;
  /**
   * True (the default): `violations` also carries what the report's flags say (the stream ends without
   * its terminator; Runware's final text differs from its deltas), so one list tells everything. The
   * contract suite passes false and checks those flags as checks of their own (termination, assembled).
   */
  standalone?: boolean;
}

/** The options with their defaults filled in. */
export function streamCheckOptions(options: StreamCheckOptions): { terminator: string | null; standalone: boolean } {
  return { terminator: options.terminator === undefined ? '[DONE]' : options.terminator, standalone: options.standalone ?? true };
}

/**
 * Walks `data:` payloads (raw strings or already parsed), recording framing violations, and hands every
 * JSON-object chunk that is not an error line to `onChunk` with its place (`<noun> <i>`) for messages.
 * `done` says whether the terminator arrived; a missing one is a violation only for a standalone check.
 */
export function readDataOnlyStream<E>(
  events: readonly { event?: string; data: unknown }[],
  noun: string,
  violations: string[],
  errorOf: (line: Obj) => E | undefined,
  onChunk: (chunk: Obj, where: string) => void,
  options: StreamCheckOptions = {},
): { done: boolean; error?: E } {
  const { terminator, standalone } = streamCheckOptions(options);
  let done = false;
  let error: E | undefined;
  for (const [i, raw] of events.entries()) {
    const where = `${noun} ${i}`;
    if (raw.event !== undefined && raw.event !== 'message') violations.push(`${where}: named event '${raw.event}' in a data-only stream`);
    if (done) violations.push(`${where}: arrives after ${terminator}`);
    if (error) violations.push(`${where}: arrives after the error line`);
    if (terminator !== null && raw.data === terminator) {
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
  if (standalone && terminator !== null && !error && !done) violations.push(`the stream ends without ${terminator}`);
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
