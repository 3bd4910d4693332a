/** What the synthesiser reads out of an OpenAI message list: the prompt and the tool results to answer. */

type Obj = Record<string, unknown>;

/** The text of a message's content: a string, or its text (and refusal) parts joined. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Obj[])
    .map((p) => (p.type === 'text' ? String(p.text ?? '') : p.type === 'refusal' ? String(p.refusal ?? '') : ''))
    .join(' ')
    .trim();
}

/** The latest user turn's text: what the answer is about. */
export function promptOf(messages: Obj[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return textOf(messages[i]!.content);
  return '';
}

/** The tool messages that end the conversation (the results of the last round of calls), oldest first. */
export function trailingToolResults(messages: Obj[]): Obj[] {
  let start = messages.length;
  while (start > 0 && messages[start - 1]!.role === 'tool') start--;
  return messages.slice(start);
}

export function summariseToolResults(results: Obj[]): string {
  const text = results
    .map((r) => textOf(r.content))
    .filter(Boolean)
    .join('; ')
    .replace(/\s+/g, ' ')
    .slice(0, 80);
  return text ? `the answer is: ${text}.` : 'the tool returned no content.';
}
