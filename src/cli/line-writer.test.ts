import { describe, expect, it } from 'vitest';
import { createLineWriter } from './line-writer.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('createLineWriter', () => {
  it('writes the lines of one turn in one write, in order, and later lines in a later write', async () => {
    const writes: string[] = [];
    const log = createLineWriter({ write: (text) => writes.push(text) });
    log.write('one');
    log.write('two');
    log.write('three');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['one\ntwo\nthree\n']);
    log.write('four');
    await nextTurn();
    expect(writes).toEqual(['one\ntwo\nthree\n', 'four\n']);
  });

  it('flush writes what is pending at once and nothing twice; with nothing pending it writes nothing', async () => {
    const writes: string[] = [];
    const log = createLineWriter({ write: (text) => writes.push(text) });
    log.flush();
    log.write('last words');
    log.flush();
    expect(writes).toEqual(['last words\n']);
    await nextTurn();
    expect(writes).toEqual(['last words\n']);
  });
});
