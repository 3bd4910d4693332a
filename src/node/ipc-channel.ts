/** The IPC channel between a fleet's primary and its workers, as both ends see it. */

/** What both ends of an IPC channel offer: a worker's `process`, or the primary's `cluster.Worker`. */
export interface IpcChannel {
  send(message: unknown, callback?: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Sends without caring whether it arrives: the other end has gone, so it needs nothing. */
export function sendQuietly(channel: IpcChannel, message: unknown): void {
  try {
    channel.send(message, () => undefined);
  } catch {
    // the channel closed
  }
}

/**
 * Messages the primary sends to several workers and waits on: each round has an id the workers echo
 * back, and settles once every channel sent to has answered or gone (a send that fails counts as gone,
 * as does a worker that exits: `forget`). Answers with the replies of those that answered.
 */
export interface Gathering<R> {
  send(channels: Iterable<IpcChannel>, message: (id: number) => unknown): Promise<R[]>;
  /** One channel's reply to round `id` (none: it is gone). */
  answered(id: number, channel: IpcChannel, reply?: R): void;
  /** A channel gone: no round waits for it any more. */
  forget(channel: IpcChannel): void;
}

export function createGathering<R>(): Gathering<R> {
  const awaited = new Map<number, { from: Set<IpcChannel>; replies: R[]; done: (replies: R[]) => void }>();
  let nextId = 1;

  function answered(id: number, channel: IpcChannel, reply?: R): void {
    const round = awaited.get(id);
    if (!round || !round.from.delete(channel)) return;
    if (reply !== undefined) round.replies.push(reply);
    if (round.from.size > 0) return;
    awaited.delete(id);
    round.done(round.replies);
  }

  return {
    send(channels, message) {
      const id = nextId++;
      const from = new Set(channels);
      if (from.size === 0) return Promise.resolve([]);
      const replies = new Promise<R[]>((resolve) => awaited.set(id, { from, replies: [], done: resolve }));
      const sent = message(id);
      for (const channel of from) {
        try {
          channel.send(sent, (error) => error && answered(id, channel));
        } catch {
          answered(id, channel); // gone: nothing to wait for
        }
      }
      return replies;
    },
    answered,
    forget(channel) {
      for (const id of [...awaited.keys()]) answered(id, channel);
    },
  };
}

/**
 * A worker's requests to the primary that wait for an answer: each gets an id the answer echoes, and
 * fails (an Error saying why) when it cannot be sent, when no answer comes within `timeoutMs`, or on
 * `failAll` (the channel closed). The store's batches and the journal's lists both go this way.
 */
export interface AwaitedAnswers<A> {
  send(message: (id: number) => unknown): Promise<A>;
  /** The answer to request `id`; one that already failed or was answered is ignored. */
  answer(id: number, value: A): void;
  failAll(reason: string): void;
}

export function createAwaitedAnswers<A>(channel: IpcChannel, timeoutMs: number): AwaitedAnswers<A> {
  let nextId = 1;
  const waiting = new Map<number, { resolve: (value: A) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  /** Takes request `id` off the waiting list (undefined when it is no longer there). */
  function settle(id: number) {
    const request = waiting.get(id);
    if (!request) return undefined;
    waiting.delete(id);
    clearTimeout(request.timer);
    return request;
  }
  const fail = (id: number, why: string) => settle(id)?.reject(new Error(why));

  return {
    send(message) {
      return new Promise<A>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => fail(id, `the primary process did not answer within ${timeoutMs} ms`), timeoutMs);
        timer.unref?.();
        waiting.set(id, { resolve, reject, timer });
        const unreachable = (error: Error) => fail(id, `cannot reach the primary process: ${error.message}`);
        try {
          channel.send(message(id), (error) => error && unreachable(error));
        } catch (error) {
          unreachable(error as Error);
        }
      });
    },
    answer: (id, value) => settle(id)?.resolve(value),
    failAll(reason) {
      for (const id of [...waiting.keys()]) fail(id, `cannot reach the primary process: ${reason}`);
    },
  };
}
