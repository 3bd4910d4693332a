/**
 * A list that keeps at most its newest `max` items. Once full, an append overwrites the oldest slot and
 * moves the start, so a ring of a thousand journal entries costs the same per append as an empty one
 * (dropping the oldest by `splice` moved the whole array on every append).
 */
import type { Json } from '../types.js';

export class Ring<T = Json> {
  private items: T[] = [];
  /** Where the oldest item sits once the ring has wrapped. */
  private start = 0;

  /** Appends `value`, dropping the oldest items past `max`; answers the length. */
  push(value: T, max = Infinity): number {
    const length = this.items.length;
    if (length === max && max > 0) {
      this.items[this.start] = value;
      this.start = (this.start + 1) % max;
      return length;
    }
    // Not full, or `max` changed since the last append: back to a plain list in order, then trim.
    this.unwrap();
    this.items.push(value);
    if (this.items.length > max) this.items.splice(0, this.items.length - max);
    return this.items.length;
  }

  /** The items, oldest first (a copy). */
  toArray(): T[] {
    return this.start === 0 ? this.items.slice() : [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }

  private unwrap(): void {
    if (this.start === 0) return;
    this.items = this.toArray();
    this.start = 0;
  }
}
