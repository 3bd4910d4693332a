import { describe, expect, it } from 'vitest';
import { PackedRing } from './packed-ring.js';

const texts = (ring: PackedRing, after?: number) => ring.read(after).map(({ id, packed }) => [id, packed]);

describe('PackedRing', () => {
  it('gives back each text under its id, oldest first, and drops the oldest past its capacity', () => {
    const ring = new PackedRing();
    for (let id = 1; id <= 5; id++) ring.push(id, `entry ${id} é🙂`, 3);
    expect(texts(ring)).toEqual([
      [3, 'entry 3 é🙂'],
      [4, 'entry 4 é🙂'],
      [5, 'entry 5 é🙂'],
    ]);
    expect(ring.keptIds()).toEqual([3, 4, 5]);
    expect(texts(ring, 4)).toEqual([[5, 'entry 5 é🙂']]);
  });

  it('follows a capacity that grows or shrinks, keeping the newest in order', () => {
    const ring = new PackedRing();
    for (let id = 1; id <= 4; id++) ring.push(id, String(id), 2);
    for (let id = 5; id <= 7; id++) ring.push(id, String(id), 5);
    expect(ring.keptIds()).toEqual([3, 4, 5, 6, 7]);
    ring.push(8, '8', 2);
    expect(texts(ring)).toEqual([
      [7, '7'],
      [8, '8'],
    ]);
  });

  it('keeps a text longer than a chunk whole, and lets chunks go once nothing kept lies in them', () => {
    const ring = new PackedRing();
    const long = 'x'.repeat(600_000); // may need 1.8 MB: a chunk of its own
    ring.push(1, 'small', 10);
    ring.push(2, long, 10);
    ring.push(3, 'after', 10);
    expect(texts(ring).map(([id, text]) => [id, (text as string).length])).toEqual([
      [1, 5],
      [2, 600_000],
      [3, 5],
    ]);
    const held = ring.heldBytes;
    for (let id = 4; id <= 13; id++) ring.push(id, 'small again', 10);
    expect(ring.keptIds()[0]).toBe(4);
    expect(ring.heldBytes).toBeLessThan(held - 600_000);
  });

  it('keeps at most its byte budget, dropping the oldest, but always the newest', () => {
    const ring = new PackedRing(3 * 1024 * 1024);
    const text = 'y'.repeat(700_000);
    for (let id = 1; id <= 6; id++) ring.push(id, text, 100);
    expect(ring.heldBytes).toBeLessThanOrEqual(3 * 1024 * 1024);
    expect(ring.keptIds().at(-1)).toBe(6);
    expect(ring.keptIds().length).toBeLessThan(6);
    const alone = new PackedRing(1024);
    alone.push(1, 'z'.repeat(5000), 10);
    expect(texts(alone).map(([id, t]) => [id, (t as string).length])).toEqual([[1, 5000]]);
  });

  it('keeps a tail of bytes right after its text, in a shared chunk or in one of its own', () => {
    const ring = new PackedRing();
    const tail = new TextEncoder().encode('tail é');
    ring.push(1, 'head ', 5, tail);
    ring.push(2, 'y'.repeat(400_000), 5, tail);
    ring.push(3, 'next', 5);
    expect(texts(ring).map(([id, t]) => [id, (t as string).slice(-10)])).toEqual([
      [1, 'head tail é'.slice(-10)],
      [2, 'yyyytail é'],
      [3, 'next'],
    ]);
  });

  it('is empty after clear, and takes new texts', () => {
    const ring = new PackedRing();
    ring.push(1, 'one', 5);
    ring.clear();
    expect(ring.read()).toEqual([]);
    ring.push(2, 'two', 5);
    expect(texts(ring)).toEqual([[2, 'two']]);
  });
});
