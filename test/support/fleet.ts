/**
 * Helpers for tests that run several standin processes: start `standin serve` and read its URL, and send
 * each request on a connection of its own (so node:cluster's round-robin hands consecutive requests to
 * different workers, and a load balancer's view of "another instance" is what the test sees).
 */
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { spawnCli, waitFor, type CliProcess } from './cli-process.js';

export interface Served extends CliProcess {
  url: string;
}

/** `standin serve --port 0 --quiet <args>`, resolved once it listens (with --workers, once all do). */
export async function serve(args: string[], running: ChildProcess[], ms = 90_000): Promise<Served> {
  const cli = spawnCli(['serve', '--port', '0', '--quiet', ...args], running);
  const ready = args.includes('--workers') ? /\n {2}workers {4}\d+ processes/ : /\n {2}health {5}http/;
  await Promise.race([
    waitFor(cli.output, ready, ms),
    cli.exited.then((code) => {
      throw new Error(`standin serve exited (${code}) before listening:\n${cli.output()}`);
    }),
  ]);
  const url = /standin listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.output())![1]!;
  return { ...cli, url };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a fresh connection (no keep-alive), bounded in time. */
export function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}, ms = 15_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    const req = request(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers: { ...init.headers, connection: 'close' }, agent: false, timeout: ms }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${ms} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether a process is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
