/**
 * Rules the provider enforces that the request schema cannot say, or says with a message naming the
 * wrong field. Each answer names the field at fault, as `field.path: reason`.
 */

type Obj = Record<string, unknown>;

export interface RequestProblem {
  message: string;
  param: string;
}

/**
 * Cross-field rules the schema also holds (`if`/`then`, `dependentRequired`), checked first because the
 * schema's failure would name `stream` or the whole body instead of the field the client got wrong.
 * Reads the body without trusting its types.
 */
export function checkBeforeSchema(body: unknown): RequestProblem | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Obj;
  if (b.stream_options != null && b.stream !== true) {
    return { message: "stream_options: 'stream_options' is only allowed when 'stream' is true", param: 'stream_options' };
  }
  if (b.tool_choice != null && b.tools == null) {
    return { message: "tool_choice: 'tool_choice' is only allowed when 'tools' are specified", param: 'tool_choice' };
  }
  return undefined;
}

/** The remaining rules, on a body that has passed the schema. */
export function checkRequest(body: Obj): RequestProblem | undefined {
  return checkTools(body) ?? checkToolMessages(body.messages as Obj[]);
}

function checkTools(body: Obj): RequestProblem | undefined {
  const tools = (body.tools ?? []) as Obj[];
  const choice = body.tool_choice;
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    const name = String((tool.function as Obj).name);
    if (names.has(name)) return { message: `tools.${i}.function.name: Tool names must be unique ('${name}')`, param: `tools.${i}.function.name` };
    names.add(name);
  }
  if (typeof choice === 'object' && choice !== null) {
    const name = String(((choice as Obj).function as Obj).name);
    if (!names.has(name)) {
      return { message: `tool_choice.function.name: Tool '${name}' is not one of the functions in tools`, param: 'tool_choice.function.name' };
    }
  }
  return undefined;
}

/** Each assistant turn with tool calls must be followed by one tool message per call, and only by those. */
function checkToolMessages(messages: Obj[]): RequestProblem | undefined {
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role === 'tool') {
      const param = `messages.${i}.tool_call_id`;
      const id = String(message.tool_call_id);
      return { message: `${param}: '${id}' answers no tool call; a 'tool' message must follow an assistant message whose tool_calls include its id`, param };
    }
    if (message.role !== 'assistant' || !Array.isArray(message.tool_calls)) continue;
    const pending = new Set((message.tool_calls as Obj[]).map((c) => String(c.id)));
    let j = i + 1;
    for (; j < messages.length && messages[j]!.role === 'tool'; j++) {
      const id = String(messages[j]!.tool_call_id);
      if (!pending.delete(id)) {
        const param = `messages.${j}.tool_call_id`;
        return { message: `${param}: '${id}' does not answer a pending tool call of messages.${i}`, param };
      }
    }
    if (pending.size > 0) {
      const param = `messages.${i}.tool_calls`;
      return { message: `${param}: an assistant message with tool_calls must be followed by tool messages answering each call; unanswered: ${[...pending].join(', ')}`, param };
    }
    i = j - 1;
  }
  return undefined;
}
