/** What the synthesiser reads out of an OpenAI message list: the prompt and the tool results to answer. */
import { contentText } from '../../synth/tool-talk.js';

type Obj = Record<string, unknown>;

/** The text of a message's content: a string, or its text (and refusal) parts joined. */
export function textOf(content: unknown): string {
  return contentText(content, (p) => (p.type === 'text' ? String(p.text ?? '') : p.type === 'refusal' ? String(p.refusal ?? '') : ''));
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
