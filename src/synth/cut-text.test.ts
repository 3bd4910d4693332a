import { describe, expect, it } from 'vitest';
import { clipToBudget, cutAtStop } from './cut-text.js';
import { rankTools } from './tool-match.js';

describe('cutAtStop', () => {
  it('emits the first sequence after the first sentence and cuts before it', () => {
    expect(cutAtStop('One. Two. Three.', ['###'])).toEqual({ text: 'One. ', stop: '###' });
  });

  it('cuts at the earliest sequence found, which may occur naturally', () => {
    expect(cutAtStop('One. Two. Three.', ['###', 'One'])).toEqual({ text: '', stop: 'One' });
  });

  it('leaves text alone without sequences', () => {
    expect(cutAtStop('One. Two.', [])).toEqual({ text: 'One. Two.' });
    expect(cutAtStop('One. Two.', [''])).toEqual({ text: 'One. Two.' });
  });
});

describe('clipToBudget', () => {
  it('keeps what fits and says when it cut', () => {
    expect(clipToBudget(['a', ' b', ' c'], 2)).toEqual({ pieces: ['a', ' b'], clipped: true });
    expect(clipToBudget(['a'], 2)).toEqual({ pieces: ['a'], clipped: false });
  });
});

describe('rankTools', () => {
  const tools = [{ name: 'calculator', description: 'Evaluate arithmetic' }, { name: 'get_weather', description: 'Current weather for a city' }];
  it('puts the tool sharing most words with the prompt first, declared order on ties', () => {
    expect(rankTools(tools, 'What is the weather in Oslo?', (t) => t).map((t) => t.name)).toEqual(['get_weather', 'calculator']);
    expect(rankTools(tools, 'Hello', (t) => t).map((t) => t.name)).toEqual(['calculator', 'get_weather']);
  });
});
