import { describe, expect, it } from 'vitest';
import { stringForPattern } from './pattern-string.js';

describe('stringForPattern', () => {
  it.each(['^[A-Z]{3}-\\d{4}$', '^st_[a-z0-9]{6}$', '^(red|green)$', '^\\w+@\\w+\\.com$', '^[^0-9]{2,4}$', '^a?b*c+$', '^(?:ab){2}x$'])('writes a match for %s', (pattern) => {
    const value = stringForPattern(pattern);
    expect(value).toBeDefined();
    expect(new RegExp(pattern, 'u').test(value!)).toBe(true);
  });

  it('answers undefined for what it cannot write (lookarounds, back-references)', () => {
    expect(stringForPattern('^(?=a)a$')).toBeUndefined();
    expect(stringForPattern('^(a)\\1$')).toBeUndefined();
  });

  it('is deterministic', () => {
    expect(stringForPattern('^[A-Z]{2}\\d$')).toBe(stringForPattern('^[A-Z]{2}\\d$'));
  });
});
