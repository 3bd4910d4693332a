/**
 * What the model says around tools, in every protocol: the sentence announcing calls it chose itself,
 * and the answer once a tool's result comes back. Message shapes differ per protocol, so callers pass
 * the texts they found; `contentText` joins a message's parts the same way for all of them.
 */
import type { Rng } from '../core/hash.js';
import { composeAnswer, topicOf } from './text.js';

type Part = Record<string, unknown>;

/** The text of a message's content: a string, or the text `partText` reads from each part, joined by spaces. */
export function contentText(content: unknown, partText: (part: Part) => string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Part[]).map(partText).join(' ').trim();
}

/** Before calls the model chose itself: "I'll use the get_weather tool to help with weather in Lisbon." */
export function toolPreamble(names: readonly string[], prompt: string): string {
  return `I'll use the ${names.join(' and ')} tool${names.length > 1 ? 's' : ''} to help with ${topicOf(prompt)}.`;
}

/**
 * The answer to tool results: "Based on the tool result, " what they said (`texts`, joined and cut to 80
 * characters) or why there is nothing to say (`failed`: the tool reported an error), then a short answer.
 */
export function toolResultAnswer(rng: Rng, prompt: string, texts: readonly string[], failed = false): string {
  return `Based on the tool result, ${summarise(texts, failed)} ${composeAnswer(rng, prompt, 2)}`;
}

function summarise(texts: readonly string[], failed: boolean): string {
  if (failed) return 'the tool reported an error, so I will answer without it.';
  const text = texts.filter(Boolean).join('; ').replace(/\s+/g, ' ').slice(0, 80);
  return text ? `the answer is: ${text}.` : 'the tool returned no content.';
}
