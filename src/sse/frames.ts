/**
 * Reads one stream's frames in order, each when it is due. It never sleeps: a call hands over every
 * frame already due (up to a size) and says how long until the next one, so the transport keeps a single
 * timer per stream and frames that fell due together leave in one write.
 *
 * Pacing follows one schedule from the moment the stream was made: the first token-bearing event is due
 * after the time to first token, each token-bearing event `tokens / tokensPerSecond` after the previous
 * one; events without tokens go as soon as the one before them. A reader that falls behind gets what is
 * due at once rather than shifting every later event (the model does not wait for a slow client).
 */
import type { SseEvent } from '../core/types.js';
import { ConnectionCut, type PacedEvent, type SseBody, type SseEnd, type SseObserver, type SseStreamOptions } from './body.js';
import { dataOf, frameData } from './frame.js';

/** Frames to send now, then either come back after `wait` ms (0: at once), or the stream is over. */
export type SseStep = { text: string; wait: number; end?: undefined } | { text: string; end: 'complete' | 'cut'; cut?: ConnectionCut };

/** setTimeout overflows past 2^31-1 ms (to 1 ms, with a warning); no single wait may come near it. */
const MAX_WAIT_MS = 2 ** 31 - 1;
const DONE: unique symbol = Symbol('done');

type AnyIterator = Iterator<PacedEvent> | AsyncIterator<PacedEvent>;
type IterStep = IteratorResult<PacedEvent> | Promise<IteratorResult<PacedEvent>>;

export class SseFrames {
  readonly paced: boolean;
  private readonly iterator: AnyIterator;
  private readonly options: SseStreamOptions;
  private readonly observers: readonly SseObserver[];
  private readonly ttft: number;
  private readonly tps: number;
  /** The event pulled from the producer but not yet due (or the producer's end). */
  private pending: PacedEvent | typeof DONE | undefined;
  /** When the schedule says the pending event is due (ms, in `now`'s time). */
  private due: number;
  private sent = 0;
  private sawTokens = false;
  private over = false;

  constructor(
    body: SseBody,
    private readonly now: () => number = Date.now,
  ) {
    const events = body.events;
    this.iterator =
      Symbol.asyncIterator in events ? (events as AsyncIterable<PacedEvent>)[Symbol.asyncIterator]() : (events as Iterable<PacedEvent>)[Symbol.iterator]();
    this.options = body.options;
    this.observers = body.observers ?? [];
    this.ttft = body.options.ttftMs ?? 0;
    this.tps = body.options.tokensPerSecond ?? 0;
    this.paced = this.ttft > 0 || this.tps > 0;
    this.due = this.paced ? now() : 0;
  }

  /** Frames due now, up to about `limit` characters (at least one frame). Throws what the producer throws. */
  take(limit: number): SseStep | Promise<SseStep> {
    if (this.over) return { text: '', end: 'complete' };
    try {
      const step = this.collect([], 0, limit);
      return step instanceof Promise ? step.catch((error) => this.failed(error)) : step;
    } catch (error) {
      return this.failed(error);
    }
  }

  /** The client went away: stop the producer and tell the observers. */
  cancel(): Promise<void> {
    if (this.over) return Promise.resolve();
    this.over = true;
    return Promise.all([this.stopProducer(), this.tell('cancelled')]).then(() => undefined);
  }

  /**
   * Gathers due frames into `parts` (`chars` long so far). The text handed over is joined once: one flat
   * string, cheap to write and cheap for an observer to keep (a string grown by `+=` is a tree of pieces).
   */
  private collect(parts: string[], chars: number, limit: number): SseStep | Promise<SseStep> {
    const { cut, failure } = this.options;
    for (;;) {
      if (cut && this.sent >= cut.after) {
        const error = new ConnectionCut(cut.after);
        return this.finish({ text: parts.join(''), end: 'cut', cut: error }, 'error', error.message, true);
      }
      if (failure && this.sent >= failure.after) {
        parts.push(this.frame(failure.event));
        return this.finish({ text: parts.join(''), end: 'complete' }, 'complete', undefined, true);
      }
      if (this.pending === undefined) {
        const next: IterStep = this.iterator.next();
        if (next instanceof Promise) {
          return next.then((result) => {
            this.accept(result);
            return this.collect(parts, chars, limit);
          });
        }
        this.accept(next);
      }
      if (this.pending === DONE) {
        const terminator = this.options.terminator;
        if (terminator !== undefined) parts.push(this.frameData(undefined, terminator));
        return this.finish({ text: parts.join(''), end: 'complete' }, 'complete');
      }
      if (this.paced) {
        const wait = this.due - this.now();
        if (wait > 0) return this.handOver({ text: parts.join(''), wait: Math.min(Math.ceil(wait), MAX_WAIT_MS) });
      }
      const frame = this.frame(this.pending!);
      parts.push(frame);
      chars += frame.length;
      this.pending = undefined;
      this.sent++;
      if (chars >= limit) return this.handOver({ text: parts.join(''), wait: 0 });
    }
  }

  /** Takes the producer's next event and schedules it. */
  private accept(result: IteratorResult<PacedEvent>): void {
    if (result.done) {
      this.pending = DONE;
      return;
    }
    const event = result.value;
    this.pending = event;
    if (this.paced && event.tokens) {
      if (!this.sawTokens) this.due += this.ttft;
      this.sawTokens = true;
      if (this.tps > 0) this.due += (event.tokens * 1000) / this.tps;
    }
  }

  private frame(event: SseEvent): string {
    return this.frameData(event.event, dataOf(event));
  }

  private frameData(name: string | undefined, data: string): string {
    return frameData(name, data, this.options.framing);
  }

  /** Shows the observers the frames about to be handed to the transport, all in one text. */
  private handOver<T extends SseStep>(step: T): T {
    if (step.text) for (const observer of this.observers) observer.frames(step.text);
    return step;
  }

  private finish(step: SseStep, how: SseEnd, error?: string, stopProducer = false): SseStep | Promise<SseStep> {
    this.over = true;
    this.handOver(step);
    const stopped = stopProducer ? this.stopProducer() : undefined;
    const told = this.tell(how, error);
    if (stopped === undefined && told === undefined) return step;
    return Promise.all([stopped, told]).then(() => step);
  }

  private failed(error: unknown): never | Promise<never> {
    if (this.over) throw error;
    this.over = true;
    const message = error instanceof Error ? error.message : String(error);
    const told = this.tell('error', message);
    if (told === undefined) throw error;
    return told.then(() => Promise.reject(error));
  }

  private stopProducer(): Promise<void> | undefined {
    const returned = this.iterator.return?.();
    return returned instanceof Promise ? returned.then(() => undefined, () => undefined) : undefined;
  }

  private tell(how: SseEnd, error?: string): Promise<void> | undefined {
    let waits: Promise<void>[] | undefined;
    for (const observer of this.observers) {
      try {
        const told = observer.end(how, error);
        if (told instanceof Promise) (waits ??= []).push(told.catch(() => undefined));
      } catch {
        // An observer's failure must not break the stream it watches.
      }
    }
    return waits && Promise.all(waits).then(() => undefined);
  }
}
