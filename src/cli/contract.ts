/**
 * `standin contract`: checks that a provider behaves as its OpenAPI document says. The target is a live
 * base URL (key from an environment variable, never printed), standin itself in process, or a folder of
 * recorded exchanges. Exit code 0 only when every check passes (skips allowed).
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { listProviders, loadDocuments } from '../node/load-documents.js';
import { readRecordings } from '../node/read-recordings.js';
import { writeFileAtomic, refuseToReplace } from '../node/write-file-atomic.js';
import { createRedactor, type Redact } from '../core/redact.js';
import { RECORD_FORMAT, type RecordFile } from '../contract/recordings.js';
import { formatProgress, formatSummary, toJson, toJUnitXml } from '../contract/report.js';
import { runContract, type RunOptions } from '../contract/run.js';
import { servedByStandin, setupContract } from '../contract/setup.js';
import { createLiveTarget, createRecordedTarget, createStandinTarget, type Target } from '../contract/target.js';
import type { ContractReport } from '../contract/types.js';

const HELP = `usage: standin contract --provider NAME --target TARGET [options]

Checks a provider against its OpenAPI document: statuses, headers and bodies of every documented
operation, stream grammar and event schemas, the errors a client can provoke at no cost, and
documented behaviour (stop sequences, max_tokens, forced tool choice).

TARGET is one of:
  standin                standin itself, in process (no network)
  https://...            a live base URL; the key comes from the variable named by --key-env
  PATH                   a folder of recorded exchanges (no network); a sub-folder named after the
                         provider or its protocol (anthropic, openai, runware) is used when present

options:
  --provider NAME        a provider document (skillboss, bytespike, anthropic, aigateway, runware),
                         a comma-separated list, or 'all' (not with a live URL)
  --key-env VAR          environment variable holding the API key (default: the one the provider's
                         docs name, x-standin-key-env in its document, e.g. SKILLBOSS_WHOLESALE_KEY);
                         the key is never printed or written
  --max-requests N       send at most N requests, retries included (default 20 against a live URL)
  --timeout MS           deadline for one exchange, headers and whole body (default 30000)
  --retries N            retries of a 429 or 5xx, with backoff (default 2)
  --only TEXT            run only the probes whose id contains TEXT (repeatable)
  --dry-run              list the requests that would be sent, with the key redacted; send nothing
  --junit FILE           write a JUnit XML report
  --json FILE            write a JSON report
  --record DIR           write the exchanges as recordings (DIR/<provider>/), replayable as a TARGET
  --force                replace report and recording files that already exist (default: refuse)
  --quiet                no progress lines
  -h, --help             this help

Files are written to a temporary name and renamed into place; a symbolic link is never written through.
A folder TARGET with no recordings, or with a recording that cannot be read, fails naming the file.

exit status: 0 every check passed (skips allowed), 1 some check failed, nothing was checked, or a file
could not be read or written, 2 bad usage`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

const defaultIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env };

class UsageError extends Error {}

export async function contractCommand(argv: string[], io: CliIo = defaultIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      // A usage error may quote the target, credentials and all.
      io.err(createRedactor()(`standin contract: ${error.message}\n\n${HELP}`));
      return 2;
    }
    throw error;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        provider: { type: 'string' },
        target: { type: 'string' },
        'key-env': { type: 'string' },
        'max-requests': { type: 'string' },
        timeout: { type: 'string', default: '30000' },
        retries: { type: 'string', default: '2' },
        only: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', default: false },
        junit: { type: 'string' },
        json: { type: 'string' },
        record: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (!values.provider) throw new UsageError('--provider is required');
  if (!values.target) throw new UsageError('--target is required');

  const known = await listProviders();
  const names = values.provider === 'all' ? known : values.provider.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) if (!known.includes(name)) throw new UsageError(`unknown provider '${name}'; known: ${known.join(', ')}`);

  const targetArg = values.target;
  const kind = targetArg === 'standin' ? 'standin' : /^https?:\/\//i.test(targetArg) ? 'live' : 'recorded';
  if (kind === 'live' && names.length !== 1) throw new UsageError('a live URL serves one provider: name exactly one with --provider');
  if (kind === 'recorded' && !(await isDirectory(targetArg))) {
    throw new UsageError(`--target '${targetArg}' is not 'standin', an http(s) URL, or a folder of recordings`);
  }
  if (values['key-env'] !== undefined && kind !== 'live') throw new UsageError('--key-env only applies to a live URL');

  // Refuse before sending anything, rather than lose a live run's results at the end.
  const force = values.force;
  const outputs = [values.junit, values.json, ...(values.record ? names.map((name) => recordingPath(values.record!, name)) : [])];
  for (const path of outputs) if (path !== undefined) await refuseToReplace(path, force);

  // Everything printed or written passes through the redactor of the target that produced it.
  let redact: Redact = createRedactor();
  const out = (line: string) => io.out(redact(line));
  const write = (path: string, text: string) => writeFileAtomic(path, redact(text), { overwrite: force, makeDirectory: true });
  let failedToRead = false;

  const options: RunOptions = {
    timeoutMs: whole(values.timeout, '--timeout', 1),
    retries: whole(values.retries, '--retries'),
    maxRequests: values['max-requests'] !== undefined ? whole(values['max-requests'], '--max-requests') : kind === 'live' ? 20 : undefined,
    dryRun: values['dry-run'],
    only: values.only?.length ? (id) => values.only!.some((text) => id.includes(text)) : undefined,
  };

  const documents = await loadDocuments(names);
  const reports: ContractReport[] = [];
  for (const name of names) {
    const document = documents[name]!;
    if (kind === 'standin' && !servedByStandin(document)) {
      if (values.provider === 'all') {
        out(`${name}: standin does not serve this protocol yet; skipped`);
        continue;
      }
      throw new UsageError(`standin does not serve ${name} (${String(document['x-standin-profile'])}) yet`);
    }
    let setup;
    try {
      setup = setupContract(name, document, kind === 'standin');
    } catch (error) {
      if (values.provider === 'all') {
        out(`${name}: ${(error as Error).message}; skipped`);
        continue;
      }
      throw new UsageError((error as Error).message);
    }
    let target: Target;
    if (kind === 'standin') {
      target = createStandinTarget(setup.engine!, name);
    } else if (kind === 'live') {
      const keyEnv = values['key-env'] ?? documentedKeyEnv(name, document);
      const key = io.env[keyEnv];
      if (!key && !options.dryRun) throw new UsageError(`the API key variable ${keyEnv} is not set (name another with --key-env)`);
      target = createLiveTarget({ baseUrl: targetArg, key });
    } else {
      const recordings = await readRecordings(resolve(targetArg), [name, ...setup.protocol.recordingFolders]);
      target = createRecordedTarget(recordings.folder, recordings.exchanges);
      if (!values.quiet && recordings.ignored.length) out(`${name}: ignored files that are not recordings: ${recordings.ignored.join(', ')}`);
      for (const { file, reason } of recordings.unreadable) io.err(redact(`standin contract: cannot read the recording ${file}: ${reason}`));
      if (recordings.unreadable.length) failedToRead = true;
      if (!recordings.exchanges.length) {
        if (values.provider === 'all' && !recordings.unreadable.length) {
          out(`${name}: no recordings in ${recordings.folder}; skipped`);
          continue;
        }
        io.err(redact(`standin contract: no recordings for ${name} in ${recordings.folder}`));
        failedToRead = true;
        continue;
      }
    }
    redact = target.redact;

    const recorded: RecordFile['exchanges'] = [];
    const report = await runContract(setup.ctx, setup.protocol, target, {
      ...options,
      onProgress: values.quiet ? undefined : (event) => {
        const line = formatProgress(event);
        if (line !== undefined) out(line);
      },
      onExchange: values.record
        ? (probe, request, ex) =>
            recorded.push({
              name: probe.id,
              request: { method: request.method, path: request.path, headers: request.headers, body: request.body, rawBody: request.rawBody },
              response: {
                status: ex.status,
                headers: Object.fromEntries(ex.headers),
                text: ex.text,
              },
            })
        : undefined,
    });
    reports.push(report);
    if (values.record && recorded.length) {
      // The whole file is redacted as text, so header names, bodies and encoded forms are covered alike.
      const file: RecordFile = { format: RECORD_FORMAT, provider: name, exchanges: recorded };
      await write(recordingPath(values.record, name), `${JSON.stringify(file, null, 2)}\n`);
    }
  }

  out(formatSummary(reports));
  if (values.junit) await write(values.junit, toJUnitXml(reports));
  if (values.json) await write(values.json, toJson(reports));
  if (failedToRead) return 1;
  if (!options.dryRun && !reports.some((r) => r.summary.passed + r.summary.failed > 0)) {
    io.err('standin contract: nothing was checked (every check was skipped)');
    return 1;
  }
  return reports.some((r) => r.summary.failed > 0) ? 1 : 0;
}

function recordingPath(dir: string, provider: string): string {
  return join(dir, provider, `${provider}.exchanges.json`);
}

function whole(raw: string | undefined, flag: string, min = 0): number {
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`${flag} must be a whole number (at least ${min}), got '${raw}'`);
  return Number(raw);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The variable the provider's docs keep the key in (`x-standin-key-env`), else `<PROVIDER>_API_KEY`. */
export function documentedKeyEnv(name: string, document: Record<string, unknown>): string {
  const named = document['x-standin-key-env'];
  return typeof named === 'string' && named ? named : `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
}
