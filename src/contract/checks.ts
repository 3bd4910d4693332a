/**
 * The checks every protocol shares: status, media type, request id, documented headers, body schema,
 * error envelope. Each is built from the compiled operation and validates with the engine's own Ajv, so
 * standin and the suite cannot disagree about what a schema says.
 */
import { escapePointer } from '../core/json-pointer.js';
import { responseValidator } from '../core/schema-pointers.js';
import type { OperationRuntime, ProviderRuntime } from '../core/types.js';
import { describeErrors, validatorAt, type Ajv2020Instance } from '../core/validator.js';
import { cite, citeResponse, documentName, operationPointer } from './doc-source.js';
import { isJsonMediaType } from './media-type.js';
import { documentedHeaders, type DocumentedHeader } from './schema-facts.js';
import type { CheckSpec, DocSource, Exchange, Verdict } from './types.js';

export interface PlanContext {
  provider: ProviderRuntime;
  ajv: Ajv2020Instance;
}

export const pass: Verdict = { ok: true };
export const fail = (expected: string, received: string): Verdict => ({ ok: false, expected, received });
export const skip = (reason: string): Verdict => ({ skip: reason });

/** A short, single-line rendering of a value for "received" texts. */
export function show(value: unknown, max = 240): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const flat = (text ?? String(value)).replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

export function bodySummary(ex: Exchange): string {
  const type = ex.headers.get('content-type');
  return `${ex.status}${type ? ` ${type}` : ''}: ${show(ex.text, 160) || '(empty body)'}`;
}

/** The response pointer for a status, the operation's own or another operation's that documents it. */
export function responsePointerFor(ctx: PlanContext, op: OperationRuntime, status: number): { op: OperationRuntime; pointer?: string } {
  if (op.responsePointers.has(status)) return { op, pointer: op.responsePointers.get(status) };
  const other = ctx.provider.operations.find((o) => o.responsePointers.has(status));
  return { op: other ?? op, pointer: other?.responsePointers.get(status) };
}

export function statusCheck(ctx: PlanContext, op: OperationRuntime, expected: number, source?: DocSource): CheckSpec {
  return {
    id: 'status',
    title: `answers ${expected}`,
    source: source ?? citeResponse(ctx.provider, op, expected),
    run: (ex) => (ex.status === expected ? pass : fail(String(expected), bodySummary(ex))),
  };
}

export function contentTypeCheck(ctx: PlanContext, op: OperationRuntime, status: number, media: string): CheckSpec {
  return {
    id: 'content-type',
    title: `is ${media}`,
    source: cite(ctx.provider, `${operationPointer(op)}/responses/${status}/content/${escapePointer(media)}`, `The ${status} response is ${media}.`),
    needsExpectedStatus: true,
    run: (ex) => {
      if (ex.headersUnknown) return skip('the recording kept no headers');
      const got = ex.headers.get('content-type') ?? '';
      if (!got && ex.headersScrubbed) return scrubbed(ex, 'content-type');
      const ok = media === 'application/json' ? isJsonMediaType(got) : got.toLowerCase().startsWith(media);
      return ok ? pass : fail(media, got ? `${got}: ${show(ex.text, 120)}` : '(no content-type)');
    },
  };
}

/** The request-id header, when the response documents one (the header whose x-standin-value is request-id). */
export function requestIdCheck(ctx: PlanContext, op: OperationRuntime, status: number): CheckSpec | undefined {
  const { op: owner, pointer } = responsePointerFor(ctx, op, status);
  const header = documentedHeaders(ctx.provider.document, pointer).find((h) => h.derived === 'request-id');
  if (!header) return undefined;
  return {
    id: `header.${header.name}`,
    title: `carries the ${header.name} header`,
    source: cite(ctx.provider, `${operationPointer(owner)}/responses/${status}/headers/${escapePointer(header.name)}`),
    needsExpectedStatus: true,
    run: (ex) => {
      if (ex.headersUnknown) return skip('the recording kept no headers');
      const value = ex.headers.get(header.name);
      if (value === null && ex.headersScrubbed) return scrubbed(ex, header.name);
      if (!value || !value.trim()) return fail(`a non-empty ${header.name}`, '(missing)');
      const body = ex.json as Record<string, unknown> | undefined;
      if (body && typeof body === 'object' && typeof body.request_id === 'string' && body.request_id !== value) {
        return fail(`body request_id equal to the ${header.name} header (${value})`, `request_id ${body.request_id}`);
      }
      return pass;
    },
  };
}

/**
 * Every documented header that is present holds a value its schema allows; rate-limit headers come as a
 * set (all of them or none); headers the document marks `required` are present.
 */
export function documentedHeadersCheck(ctx: PlanContext, op: OperationRuntime, status: number): CheckSpec | undefined {
  const { op: owner, pointer } = responsePointerFor(ctx, op, status);
  const headers = documentedHeaders(ctx.provider.document, pointer).filter((h) => h.derived !== 'request-id');
  if (!headers.length) return undefined;
  const rateLimit = headers.filter((h) => /ratelimit/i.test(h.name));
  return {
    id: 'headers.documented',
    title: `documented headers (${headers.map((h) => h.name).join(', ')}) are well-formed${rateLimit.length ? '; rate-limit headers come together' : ''}`,
    source: cite(ctx.provider, `${operationPointer(owner)}/responses/${status}/headers`, `The headers of the ${status} response.`),
    needsExpectedStatus: true,
    run: (ex) => {
      if (ex.headersUnknown) return skip('the recording kept no headers');
      const problems: string[] = [];
      // What a recorder filtered out says nothing about the provider: only the headers it kept are judged.
      const absent = headers.filter((h) => ex.headers.get(h.name) === null).map((h) => h.name);
      for (const h of headers) {
        const value = ex.headers.get(h.name);
        if (value === null) {
          if (h.required && !ex.headersScrubbed) problems.push(`${h.name} missing (required)`);
          continue;
        }
        const problem = headerProblem(ctx, h, value);
        if (problem) problems.push(problem);
      }
      const present = rateLimit.filter((h) => ex.headers.get(h.name) !== null);
      if (present.length > 0 && present.length < rateLimit.length && !ex.headersScrubbed) {
        problems.push(`rate-limit headers incomplete: missing ${rateLimit.filter((h) => !present.includes(h)).map((h) => h.name).join(', ')}`);
      }
      if (problems.length) return fail('documented headers with valid values', problems.join('; '));
      return ex.headersScrubbed && absent.length ? scrubbed(ex, absent.join(', ')) : pass;
    },
  };
}

/** A header the recorder did not keep: reported as what it is, not as a conformance failure. */
function scrubbed(ex: Exchange, names: string): Verdict {
  return skip(`scrubbed by the recorder: ${names} absent (${ex.headersScrubbed})`);
}

function headerProblem(ctx: PlanContext, header: DocumentedHeader, value: string): string | undefined {
  if (!header.node.schema) return undefined;
  const validate = validatorAt(ctx.ajv, ctx.provider.ajvKey, `${header.pointer}/schema`);
  const type = (header.node.schema as Record<string, unknown>).type;
  const numeric = (type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim());
  const candidate = numeric ? Number(value) : value;
  if (validate(candidate)) return undefined;
  return `${header.name}: '${show(value, 60)}' ${describeErrors(validate.errors, header.name).message.replace(/^[^:]*: /, '')}`;
}

/** The body validates against the documented schema of this status and media type. */
export function bodySchemaCheck(ctx: PlanContext, op: OperationRuntime, status: number, title?: string): CheckSpec {
  const { op: owner } = responsePointerFor(ctx, op, status);
  const validate = responseValidator(ctx.ajv, ctx.provider, owner, status);
  return {
    id: 'body.schema',
    title: title ?? `the body matches the documented ${status} schema`,
    source: cite(
      ctx.provider,
      `${operationPointer(owner)}/responses/${status}/content/application~1json/schema`,
      `The ${status} application/json schema.`,
    ),
    needsExpectedStatus: true,
    run: (ex) => {
      if (!validate) return skip(`${documentName(ctx.provider)} documents no application/json schema for ${status}`);
      if (ex.json === undefined) return fail('a JSON body', ex.jsonError ? `not JSON (${ex.jsonError}): ${show(ex.text, 120)}` : bodySummary(ex));
      if (validate(ex.json)) return pass;
      return fail('a body valid against the schema', `${describeErrors(validate.errors).message} in ${show(ex.json, 200)}`);
    },
  };
}

/** The checks a plain successful JSON call gets. */
export function jsonSuccessChecks(ctx: PlanContext, op: OperationRuntime): CheckSpec[] {
  return compact([
    statusCheck(ctx, op, 200),
    contentTypeCheck(ctx, op, 200, 'application/json'),
    requestIdCheck(ctx, op, 200),
    documentedHeadersCheck(ctx, op, 200),
    bodySchemaCheck(ctx, op, 200),
  ]);
}

export function compact<T>(items: (T | undefined)[]): T[] {
  return items.filter((x): x is T => x !== undefined);
}
