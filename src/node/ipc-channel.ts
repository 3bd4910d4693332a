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
