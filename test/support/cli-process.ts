/** The built CLI as a child process, for tests that run `standin` as a user does. */
import { spawn, type ChildProcess } from 'node:child_process';

export const cliPath = new URL('../../bin/standin.js', import.meta.url).pathname;

export interface CliProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `standin <args>`, remembering the child in `running` so the test can kill it afterwards. */
export function spawnCli(args: string[], running: ChildProcess[]): CliProcess {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Waits until the output holds `text` (or matches it), failing with the output after `ms`. */
export async function waitFor(output: () => string, text: string | RegExp, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(typeof text === 'string' ? output().includes(text) : text.test(output()))) {
    if (Date.now() > deadline) throw new Error(`no '${String(text)}' in:\n${output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
