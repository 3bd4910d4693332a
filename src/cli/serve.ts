/** `standin serve`: the mock server on 127.0.0.1:4010 by default. */
import { parseArgs } from 'node:util';
import { startServer } from '../adapters/node-server.js';
import { listProviders, loadDocuments } from '../node/load-documents.js';
import { createStandin } from '../standin.js';

const HELP = `usage: standin serve [options]

  --host HOST               address to listen on (default 127.0.0.1)
  --port PORT               port (default 4010; 0 picks a free one)
  --provider NAME           serve one provider at the root instead of all under /<name>
  --strict-auth             accept only the auth header each provider documents strictly
  --keys K1,K2              accept only these API keys (default: any key not starting with 'invalid')
  --ttft-ms MS              delay before the first streamed token (default 0)
  --tokens-per-second N     streaming pace (default 0: as fast as possible)
  -h, --help                this help`;

export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '4010' },
        provider: { type: 'string' },
        'strict-auth': { type: 'boolean', default: false },
        keys: { type: 'string' },
        'ttft-ms': { type: 'string', default: '0' },
        'tokens-per-second': { type: 'string', default: '0' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`standin serve: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = wholeNumber(values.port, '--port', 65535);
  const ttftMs = wholeNumber(values['ttft-ms'], '--ttft-ms');
  const tokensPerSecond = wholeNumber(values['tokens-per-second'], '--tokens-per-second');
  if ([port, ttftMs, tokensPerSecond].includes(undefined)) return 2;

  const known = await listProviders();
  if (values.provider && !known.includes(values.provider)) {
    console.error(`standin serve: unknown provider '${values.provider}'; known: ${known.join(', ')}`);
    return 2;
  }
  const names = values.provider ? [values.provider] : known;
  const engine = createStandin({
    documents: await loadDocuments(names),
    mount: values.provider ? 'root' : 'prefix',
    precompile: true,
    options: {
      strictAuth: values['strict-auth'],
      acceptKeys: values.keys ? values.keys.split(',').map((k) => k.trim()).filter(Boolean) : [],
      ttftMs,
      tokensPerSecond,
    },
  });
  let running;
  try {
    running = await startServer(engine, { host: values.host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${port} is already in use (try --port 0 or another port)` : (error as Error).message;
    console.error(`standin serve: cannot listen on ${values.host}:${port}: ${why}`);
    return 1;
  }
  console.log(`standin listening on ${running.url}`);
  for (const name of names) console.log(`  ${name.padEnd(10)} ${values.provider ? running.url : `${running.url}/${name}`}`);
  console.log(`  health     ${running.url}/health`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return 0;
}

function wholeNumber(raw: string | undefined, flag: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const n = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || n > max) {
    console.error(`standin serve: ${flag} must be a whole number from 0 to ${max}, got '${raw}'`);
    return undefined;
  }
  return n;
}
