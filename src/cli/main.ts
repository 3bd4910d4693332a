/** The `standin` command line: `standin serve`, `standin contract`. */
import { contractCommand } from './contract.js';
import { serveCommand } from './serve.js';
import { readFileSync } from 'node:fs';
import { createRedactor } from '../core/redact.js';

const USAGE = `usage: standin <command> [options]

commands:
  serve      run the mock server (every provider under its own path, or one with --provider)
  contract   check a provider (live URL, standin, or recordings) against its OpenAPI document

options:
  -v, --version  print standin's version
  -h, --help     this help

run 'standin <command> --help' for a command's options`;

/** The version in the package's own package.json (two folders up from src/cli and dist/cli alike). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest);
      case 'contract':
        return await contractCommand(rest);
      case '-v':
      case '--version':
        console.log(version());
        return 0;
      case undefined:
      case '-h':
      case '--help':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`standin: unknown command '${command}'\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    // The message may quote a URL given on the command line, credentials included.
    console.error(createRedactor()(`standin: ${(error as Error).message}`));
    return 1;
  }
}
