/** Reads a folder of recorded exchanges from disk (Node only); see src/contract/recordings.ts for the forms. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRecordingJson, sseRecording, type RecordedExchange } from '../contract/recordings.js';

/**
 * The exchanges in `dir`. When `dir` holds a sub-folder named after the provider or its protocol family
 * (`anthropic`, `openai`, `runware`), that sub-folder is read instead, so one folder of recordings serves
 * every provider. Files in an unknown form are listed in `ignored`.
 */
export async function readRecordings(
  dir: string,
  names: string[],
): Promise<{ folder: string; exchanges: RecordedExchange[]; ignored: string[] }> {
  let folder = dir;
  for (const name of names) {
    const sub = join(dir, name);
    if (await isDirectory(sub)) {
      folder = sub;
      break;
    }
  }
  const exchanges: RecordedExchange[] = [];
  const ignored: string[] = [];
  for (const file of (await readdir(folder)).sort()) {
    const path = join(folder, file);
    if (!(await stat(path)).isFile()) continue;
    if (file.endsWith('.sse')) {
      exchanges.push(sseRecording(file, await readFile(path, 'utf8')));
    } else if (file.endsWith('.json')) {
      let parsed: RecordedExchange[] | undefined;
      try {
        parsed = parseRecordingJson(file, JSON.parse(await readFile(path, 'utf8')));
      } catch {
        parsed = undefined;
      }
      if (parsed) exchanges.push(...parsed);
      else ignored.push(file);
    } else if (!/^readme/i.test(file)) {
      ignored.push(file);
    }
  }
  return { folder, exchanges, ignored };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
