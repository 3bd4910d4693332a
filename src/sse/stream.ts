/**
 * Turns a lazy sequence of events into an SSE byte stream. Events are produced on demand (pull), so
 * each one reaches the socket as it is made, paced by time-to-first-token and tokens per second.
 * Cancelling the stream (a client that disconnects) stops the producer.
 */
import type { SseEvent } from '../core/types.js';
import { frameEvent, type Framing } from './frame.js';

/** An event with the number of generated tokens it carries, used for pacing only (never sent). */
export type PacedEvent = SseEvent & { tokens?: number };

export interface SseStreamOptions {
  framing: Framing;
  terminator?: string;
  ttftMs?: number;
  tokensPerSecond?: number;
  /** Replace the rest of the stream with this event after `after` events (a mid-stream failure). */
  failure?: { after: number; event: SseEvent };
  /**
   * Break the connection after `after` events (pings included): no error event, no terminator. The
   * stream errors a moment after the last event, so a reader gets every event sent before the break;
   * the Node server then destroys the socket, and an in-process reader sees the stream error.
   */
  cut?: { after: number };
}

/** How long after the last event a cut connection breaks (erroring sooner drops unread chunks). */
export const CUT_DELAY_MS = 30;

/** The error a cut stream ends with. */
export class ConnectionCut extends Error {
  constructor(after: number) {
    super(`standin: connection closed after ${after} events (Prefer: disconnect-after or chaos)`);
  }
}

const encoder = new TextEncoder();
/** With no pacing, events are coalesced up to this many bytes per chunk to spare syscalls. */
const COALESCE_BYTES = 4096;
/** setTimeout overflows past 2^31-1 ms (to 1 ms, with a warning); no single wait may come near it. */
const MAX_WAIT_MS = 2 ** 31 - 1;

export function createSseStream(
  events: Iterable<PacedEvent> | AsyncIterable<PacedEvent>,
  options: SseStreamOptions,
): ReadableStream<Uint8Array> {
  const iterator =
    Symbol.asyncIterator in events
      ? (events as AsyncIterable<PacedEvent>)[Symbol.asyncIterator]()
      : (events as Iterable<PacedEvent>)[Symbol.iterator]();
  const ttft = options.ttftMs ?? 0;
  const tps = options.tokensPerSecond ?? 0;
  const paced = ttft > 0 || tps > 0;
  let sent = 0;
  let sawTokens = false;
  let done = false;
  let cancelled = false;
  // The pending pacing timer, cleared when the client goes: a timer left behind would keep the
  // process (and a shutdown) waiting for a reader that no longer exists.
  let pause: { timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        pause = undefined;
        resolve();
      };
      pause = { timer: setTimeout(wake, Math.min(ms, MAX_WAIT_MS)), wake };
    });

  const cutAt = options.cut?.after;
  let cutNow = false;

  const nextFrame = async (): Promise<string | undefined> => {
    if (cutAt !== undefined && sent >= cutAt) {
      done = cutNow = true;
      return undefined;
    }
    if (options.failure && sent >= options.failure.after) {
      done = true;
      return frameEvent(options.failure.event, options.framing);
    }
    const step = await iterator.next();
    if (step.done) {
      done = true;
      return options.terminator !== undefined ? `data: ${options.terminator}\n\n` : undefined;
    }
    const event = step.value;
    if (paced && event.tokens) {
      const wait = (!sawTokens ? ttft : 0) + (tps > 0 ? (event.tokens * 1000) / tps : 0);
      sawTokens = true;
      if (wait > 0) await sleep(wait);
      if (done) return undefined;
    }
    sent++;
    return frameEvent(event, options.framing);
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let chunk = '';
        do {
          const frame = await nextFrame();
          if (frame !== undefined) chunk += frame;
        } while (!done && !paced && chunk.length < COALESCE_BYTES);
        if (cancelled) return;
        if (chunk) controller.enqueue(encoder.encode(chunk));
        if (cutNow) {
          // The events already enqueued must reach the reader before the break: error on a later turn.
          if (!chunk) {
            await iterator.return?.();
            await new Promise((resolve) => setTimeout(resolve, CUT_DELAY_MS));
            if (!cancelled) controller.error(new ConnectionCut(cutAt!));
          }
          return;
        }
        if (done) controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      done = cancelled = true;
      if (pause) {
        clearTimeout(pause.timer);
        pause.wake();
      }
      await iterator.return?.();
    },
  });
}
