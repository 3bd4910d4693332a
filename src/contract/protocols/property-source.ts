/** Where an operation's JSON request and answer schemas sit, and citations of their properties: every protocol cites the same way. */
import type { OperationRuntime } from '../../core/types.js';
import type { PlanContext } from '../checks.js';
import { citeWith, operationPointer } from '../doc-source.js';
import { describeProperty } from '../schema-facts.js';
import type { DocSource } from '../types.js';

export const requestSchema = (op: OperationRuntime) => `${operationPointer(op)}/requestBody/content/application~1json/schema`;
export const responseSchema = (op: OperationRuntime) => `${operationPointer(op)}/responses/200/content/application~1json/schema`;

/** A citation of the request and answer properties a behaviour rests on (`a.b`, `[]` for items), below an optional prefix each. */
export function propertySource(
  ctx: PlanContext,
  op: OperationRuntime,
  request: string[],
  response: string[],
  within: { request?: string[]; response?: string[] } = {},
): DocSource {
  const doc = ctx.provider.document;
  const statement = [
    ...request.map((p) => describeProperty(doc, requestSchema(op), [...(within.request ?? []), ...p.split('.')])),
    ...response.map((p) => describeProperty(doc, responseSchema(op), [...(within.response ?? []), ...p.split('.')])),
  ].join(' / ');
  return citeWith(ctx.provider, requestSchema(op), statement);
}
