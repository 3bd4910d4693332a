/**
 * Deterministic, realistic-looking answers. The words come from the request (its topic) and a bank of
 * sentences, chosen by a generator seeded with the request, so equal requests get equal answers.
 */
import type { Rng } from '../core/hash.js';
import { clipPieces, isSpace } from './tokens.js';

const OPENERS = [
  'Here is a short answer about {topic}.',
  'Good question about {topic}.',
  'Happy to help with {topic}.',
  'Let me summarise {topic} briefly.',
  'In short, {topic} comes down to a few points.',
];

const SENTENCES = [
  'The main idea is to keep the design simple and easy to test.',
  'Start with the smallest version that works, then measure it.',
  'Most of the cost sits in a few hot paths, so look there first.',
  'Clear names and small functions make the intent obvious.',
  'A quick check with real data usually settles the question.',
  'Edge cases deserve a test of their own.',
  'Caching helps when the same inputs repeat often.',
  'Errors should say what went wrong and what to do next.',
  'Keep the interface stable while the internals change.',
  'Document the choice you made and the reason for it.',
  'Latency matters more than throughput for interactive use.',
  'Retries with backoff smooth over transient failures.',
  'A small, fast model is often enough for routing and classification.',
  'Structured output is easier to validate than free text.',
];

const ALL_SENTENCES = 2 ** SENTENCES.length - 1;

const CLOSERS = ['Let me know if you want more detail.', 'I hope this helps.', 'Happy to go deeper on any part.'];

const STOPWORDS = new Set(
  'the a an and or but of to in on for with about from into what which who how why when where is are was were be been do does did can could would should will please tell me you your my our this that these those it its i we they'.split(
    ' ',
  ),
);

/** Which ASCII characters end a word: whitespace (as `\s` has it) and punctuation except '-'. */
const ASCII_SEPARATOR = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const punctuation = c >= 33 && c < 127 && !/[A-Za-z0-9-]/.test(String.fromCharCode(c));
    if (punctuation || isSpace(c)) table[c] = 1;
  }
  return table;
})();

function isSeparator(code: number): boolean {
  return code < 128 ? ASCII_SEPARATOR[code] === 1 : isSpace(code);
}

/**
 * A few meaningful words from the prompt, used as the answer's topic. One pass over the characters:
 * on every request, a regex replace and split here cost more than the rest of the answer together.
 */
function topicWords(prompt: string): string[] {
  const words: string[] = [];
  const end = Math.min(prompt.length, 400);
  let start = -1;
  for (let i = 0; i <= end && words.length < 4; i++) {
    if (i < end && !isSeparator(prompt.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start > 2) {
      const word = prompt.slice(start, i).toLowerCase();
      if (!STOPWORDS.has(word)) words.push(word);
    }
    start = -1;
  }
  return words;
}

const DEFAULT_TOPIC = 'your request';

export function topicOf(prompt: string): string {
  const words = topicWords(prompt);
  return words.length ? words.join(' ') : DEFAULT_TOPIC;
}

/** Text and its length in word pieces (output tokens), counted as it is put together. */
export interface CountedText {
  text: string;
  tokens: number;
}

const pieceCount = (text: string): number => clipPieces(text, Infinity).tokens;
// Word pieces of every bank entry, counted once; an opener's `{topic}` counts as its topic's words.
const OPENER_TOKENS = OPENERS.map((o) => pieceCount(o) - 1);
const SENTENCE_TOKENS = SENTENCES.map(pieceCount);
const CLOSER_TOKENS = CLOSERS.map(pieceCount);
const DEFAULT_TOPIC_TOKENS = pieceCount(DEFAULT_TOPIC);

/**
 * An answer of roughly `sentences` sentences about the prompt, with its token count: the parts are
 * joined by single spaces and none has spaces at its ends, so the count is the sum of theirs, and a
 * planner need not scan the text to count it.
 */
export function composeCountedAnswer(rng: Rng, prompt: string, sentences = rng.int(2, 5)): CountedText {
  const words = topicWords(prompt);
  const opener = rng.int(0, OPENERS.length - 1);
  let text = OPENERS[opener]!.replace('{topic}', words.length ? words.join(' ') : DEFAULT_TOPIC);
  let tokens = OPENER_TOKENS[opener]! + (words.length || DEFAULT_TOPIC_TOKENS);
  // Sentences already used, one bit each (the bank has fewer than 32).
  let used = 0;
  for (let count = 1; count < sentences; ) {
    const i = rng.int(0, SENTENCES.length - 1);
    if (used & (1 << i) && used !== ALL_SENTENCES) continue;
    used |= 1 << i;
    text += ` ${SENTENCES[i]!}`;
    tokens += SENTENCE_TOKENS[i]!;
    count++;
  }
  const closer = rng.int(0, CLOSERS.length - 1);
  return { text: `${text} ${CLOSERS[closer]!}`, tokens: tokens + CLOSER_TOKENS[closer]! };
}

/** An answer of roughly `sentences` sentences about the prompt. */
export function composeAnswer(rng: Rng, prompt: string, sentences?: number): string {
  return composeCountedAnswer(rng, prompt, sentences).text;
}

/** The model's visible reasoning when extended thinking is on. */
export function composeThinking(rng: Rng, prompt: string): string {
  const topic = topicOf(prompt);
  return [
    `The user is asking about ${topic}.`,
    rng.pick(['I should answer directly and keep it short.', 'A brief, structured answer fits best.', 'I will give the key points first.']),
    rng.pick(['No tool is needed for this.', 'The context already has what I need.', 'I can answer from general knowledge.']),
  ].join(' ');
}

/** A short, stable opaque string shaped like a provider signature (base64). */
export function composeSignature(rng: Rng, length = 96): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = 'Eq';
  for (let i = 0; i < length; i++) out += chars[Math.floor(rng.next() * 64)];
  return `${out}==`;
}
