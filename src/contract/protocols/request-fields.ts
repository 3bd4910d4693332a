/** Reading a request body's fields back, the same way for every protocol (`Protocol.readRequest`). */
import type { JsonObject } from '../../core/types.js';
import type { ToolSpec } from '../protocol.js';

type Obj = Record<string, any>;

/** The body as an object to read fields from; an empty one when it is none. */
export function fieldsOf(body: unknown): Obj {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Obj) : {};
}

export const numberOr = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
export const stringOr = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const booleanOr = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

/** Stop sequences as a list, whether a body sends one string or a list. */
export function stopList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : undefined;
}

/** The text of the first user message, when it is a plain string. */
export function promptOf(messages: unknown): string | undefined {
  const first = Array.isArray(messages) ? messages.find((m) => m?.role === 'user') : undefined;
  return stringOr(first?.content);
}

type ReadTool = (tool: Obj) => { name: unknown; description: unknown; schema: unknown };

/**
 * The tools a forced choice may be answered with, as ToolSpecs: the one named `forced` when the request
 * names one, else every tool it offers (`tool_choice: "required"` / `{type: "any"}` let the model pick).
 * `spec` reads one entry of the protocol's tool list; entries without a name and a schema are left out.
 */
export function allowedTools(tools: unknown, forced: unknown, spec: ReadTool): ToolSpec[] | undefined {
  if (!Array.isArray(tools) || !tools.length) return undefined;
  const specs = tools.map((t) => spec(fieldsOf(t)));
  const named = specs.filter((s) => forced !== undefined && s.name === forced);
  return (named.length ? named : specs)
    .filter((t) => typeof t.name === 'string' && t.schema && typeof t.schema === 'object')
    .map((t) => ({ name: t.name as string, description: stringOr(t.description) ?? '', schema: t.schema as JsonObject }));
}

/** The tool a request forces (the one named `forced`), else the first it offers. */
export function forcedTool(tools: unknown, forced: unknown, spec: ReadTool): ToolSpec | undefined {
  return allowedTools(tools, forced, spec)?.[0];
}
