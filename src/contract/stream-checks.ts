/**
 * The checks on a streamed answer: every event against the documented event schema, the protocol's
 * grammar, the documented end of stream, usage, and the answer the deltas add up to (valid as the
 * JSON answer of the same operation).
 */
import { streamEventValidator } from '../core/schema-pointers.js';
import type { OperationRuntime, SseSpec } from '../core/types.js';
import { describeErrors } from '../core/validator.js';
import {
  bodySchemaCheck,
  bodySummary,
  compact,
  contentTypeCheck,
  documentedHeadersCheck,
  fail,
  pass,
  requestIdCheck,
  show,
  skip,
  statusCheck,
  type PlanContext,
} from './checks.js';
import { cite, citeResponse, operationPointer } from './doc-source.js';
import type { Protocol, StreamReading } from './protocol.js';
import type { CheckSpec, DocSource, Exchange, Verdict } from './types.js';

const readings = new WeakMap<Exchange, StreamReading>();

export function readingOf(ctx: PlanContext, protocol: Protocol, op: OperationRuntime, ex: Exchange, request?: unknown): StreamReading {
  let reading = readings.get(ex);
  if (!reading) {
    const maxTokens = request ? protocol.readRequest(request).maxTokens : undefined;
    reading = protocol.readStream(ex.events ?? [], { request, maxTokens }, ctx, op);
    readings.set(ex, reading);
  }
  return reading;
}

/** The checks for a streamed answer. `requestOf` gives the request body that started the stream. */
export function streamChecks(ctx: PlanContext, protocol: Protocol, op: OperationRuntime): CheckSpec[] {
  const sse = op.sse!;
  const validate = streamEventValidator(ctx.ajv, ctx.provider, op)!;
  const streamPointer = `${operationPointer(op)}/responses/200/content/text~1event-stream/x-standin-sse`;
  const itemSource = cite(ctx.provider, `${streamPointer}/itemSchema`, 'The schema of every event.');
  const endSource = {
    ...cite(ctx.provider, streamPointer),
    statement: `x-standin-sse: framing ${sse.framing}${sse.terminator ? `, terminator ${sse.terminator} (the last data line)` : ''}. ${itemSource.statement}`,
  };
  const read = (ex: Exchange): StreamReading => readingOf(ctx, protocol, op, ex, ex.requestBody);
  const needEvents = (ex: Exchange): Verdict | undefined =>
    ex.events === undefined ? fail('a text/event-stream body', bodySummary(ex)) : ex.events.length === 0 ? fail('at least one event', ex.bodyError ?? '(no events)') : undefined;
  // Every check below reads the events, so each runs only once there are some.
  const eventCheck = (id: string, title: string, source: DocSource, run: (ex: Exchange) => Verdict): CheckSpec => ({
    id,
    title,
    source,
    needsExpectedStatus: true,
    run: (ex) => needEvents(ex) ?? run(ex),
  });
  const cutShort = (ex: Exchange): string => (ex.bodyError ? ` (${ex.bodyError})` : '');
  return compact<CheckSpec>([
    statusCheck(ctx, op, 200),
    contentTypeCheck(ctx, op, 200, 'text/event-stream'),
    requestIdCheck(ctx, op, 200),
    documentedHeadersCheck(ctx, op, 200),
    eventCheck('events.schema', 'every event matches the documented event schema', itemSource, (ex) => {
      const problems: string[] = [];
      for (const [i, e] of ex.events!.entries()) {
        if (sse.terminator !== undefined && e.data === sse.terminator) continue;
        let data: unknown;
        try {
          data = JSON.parse(e.data);
        } catch {
          problems.push(`event ${i}: data is not JSON: ${show(e.data, 80)}`);
          continue;
        }
        if (isIgnoredEvent(sse.knownEvents, data)) continue;
        if (!validate(data)) problems.push(`event ${i} (${String((data as any)?.type ?? e.event ?? '?')}): ${describeErrors(validate.errors).message}`);
        if (sse.framing === 'data' && e.event !== undefined && e.event !== 'message') problems.push(`event ${i}: named '${e.event}', but the framing is data lines only`);
        if (problems.length >= 5) break;
      }
      return problems.length ? fail('every event valid', problems.join('; ')) : pass;
    }),
    eventCheck('grammar', 'events come in the documented order (indices, one start and one stop per block, matching deltas)', itemSource, (ex) => {
      const { violations } = read(ex);
      return violations.length ? fail('no grammar violations', violations.slice(0, 5).join('; ') + cutShort(ex)) : pass;
    }),
    eventCheck('termination', `the stream ends the documented way${sse.terminator ? ` (last line data: ${sse.terminator})` : ''}`, endSource, (ex) => {
      const reading = read(ex);
      if (ex.bodyError) return fail('a complete stream', `${reading.termination.detail}; ${ex.bodyError} after ${ex.events!.length} events`);
      const unterminated = sse.terminator !== undefined && reading.errorEvent === undefined && ex.events!.at(-1)?.data !== sse.terminator;
      // A recorder that kept no terminator line says nothing of whether the provider sent one.
      if (unterminated && ex.framingLost) return skip(`the terminator was not recorded: ${ex.framingLost}`);
      if (!reading.termination.ok) return fail('the documented end of stream', reading.termination.detail);
      if (unterminated) {
        return fail(`last line data: ${sse.terminator}`, `last event: ${show(ex.events!.at(-1)?.data ?? '(none)', 120)}`);
      }
      return pass;
    }),
    eventCheck('usage', 'usage is present and consistent', itemSource, (ex) => {
      const reading = read(ex);
      if (reading.errorEvent !== undefined) return skip('the stream ended with a documented error event');
      return reading.usageProblem ? fail('usage present and consistent', reading.usageProblem + cutShort(ex)) : pass;
    }),
    eventCheck('assembled', 'the answer the deltas add up to is a valid answer', citeResponse(ctx.provider, op, 200), (ex) => {
      const reading = read(ex);
      if (reading.errorEvent !== undefined) return skip('the stream ended with a documented error event');
      if (reading.assembledProblem) return fail('deltas that add up to the answer', reading.assembledProblem + cutShort(ex));
      if (reading.assembled === undefined) return fail('an answer rebuilt from the deltas', `none${cutShort(ex)}`);
      const check = bodySchemaCheck(ctx, op, 200);
      const verdict = check.run({ ...ex, json: reading.assembled, text: JSON.stringify(reading.assembled) });
      return 'ok' in verdict && !verdict.ok ? { ...verdict, expected: 'the rebuilt answer valid as the JSON answer' } : verdict;
    }),
  ]);
}

/** An event of a type the document names none of, where the document says such events are to be ignored. */
function isIgnoredEvent(known: SseSpec['knownEvents'], data: unknown): boolean {
  if (!known || !data || typeof data !== 'object') return false;
  const type = (data as Record<string, unknown>)[known.property];
  return typeof type === 'string' && !known.types.includes(type);
}
