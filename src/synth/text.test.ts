import { describe, expect, it } from 'vitest';
import { composeAnswer, composeCountedAnswer, topicOf } from './text.js';
import { toPieces } from './tokens.js';
import { createRng } from '../core/hash.js';

describe('topicOf', () => {
  it('keeps up to four words longer than two letters, lower-cased, skipping stop words', () => {
    expect(topicOf('Hello, Claude')).toBe('hello claude');
    expect(topicOf('What is the weather in Paris today, and tomorrow? Also Berlin.')).toBe('weather paris today tomorrow');
  });

  it('splits on ASCII punctuation except hyphens, and on every kind of whitespace', () => {
    expect(topicOf('rate-limit/retry_policy;backoff')).toBe('rate-limit retry policy backoff');
    expect(topicOf('café\u00a0naïve\u3000straße\tok')).toBe('café naïve straße');
  });

  it('reads only the first 400 characters, and says "your request" when nothing is left', () => {
    expect(topicOf(`${'x '.repeat(200)}meaningful words`)).toBe('your request');
    expect(topicOf('to be or do it, is it?')).toBe('your request');
    expect(topicOf('')).toBe('your request');
  });
});

describe('composeAnswer', () => {
  it('is the same for the same generator seed and names the topic', () => {
    const a = composeAnswer(createRng(7), 'Explain vector databases');
    expect(composeAnswer(createRng(7), 'Explain vector databases')).toBe(a);
    expect(a).toContain('explain vector databases');
  });
});

describe('composeCountedAnswer', () => {
  it('counts exactly the word pieces of the text it composes', () => {
    const prompts = ['Hello, Claude', '', 'to be', 'Summarise: rate-limit/retry_policy café\u00a0naïve', 'x'.repeat(500), 'one two three four five six'];
    for (let seed = 0; seed < 300; seed++) {
      const prompt = prompts[seed % prompts.length]!;
      const answer = composeCountedAnswer(createRng(seed), prompt);
      expect(answer.tokens, answer.text).toBe(toPieces(answer.text).length);
      expect(composeAnswer(createRng(seed), prompt)).toBe(answer.text);
    }
  });
});
