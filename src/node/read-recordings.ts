/** Reads a folder of recorded exchanges from disk (Node only); see src/contract/recordings.ts for the forms. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRecordingJson, sseRecording, type RecordedExchange } from '../contract/recordings.js';

/**
 * The exchanges in `dir`. When `dir` holds a sub-folder named after the provider or its protocol family
 * (`anthropic`, `openai`, `runware`), that sub-folder is read instead, so one folder of recordings serves
 * every provider. A `.json` or `.sse` file that cannot be read as a recording (unreadable, empty, cut
 * off mid-write, in an unknown form) is listed in `unreadable` with the reason; other files (notes) are
 * listed in `ignored`.
 */
export async function readRecordings(
  dir: string,
  names: string[],
): Promise<{ folder: string; exchanges: RecordedExchange[]; ignored: string[]; unreadable: { file: string; reason: string }[] }> {
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
  const unreadable: { file: string; reason: string }[] = [];
  for (const file of (await readdir(folder)).sort()) {
    const path = join(folder, file);
    const isRecording = file.endsWith('.sse') || file.endsWith('.json');
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if (isRecording) unreadable.push({ file: path, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message });
      continue;
    }
    if (info.isDirectory()) continue;
    if (!isRecording) {
      if (!/^readme/i.test(file)) ignored.push(file);
      continue;
    }
    if (!info.isFile()) {
      unreadable.push({ file: path, reason: 'not a regular file' });
      continue;
    }
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      unreadable.push({ file: path, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message });
      continue;
    }
    if (text.trim() === '') {
      unreadable.push({ file: path, reason: 'the file is empty' });
    } else if (file.endsWith('.sse')) {
      exchanges.push(sseRecording(file, text));
    } else {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        unreadable.push({ file: path, reason: `not valid JSON (cut off mid-write?): ${(error as Error).message}` });
        continue;
      }
      const parsed = parseRecordingJson(file, data);
      if (parsed) exchanges.push(...parsed);
      else unreadable.push({ file: path, reason: 'JSON in no known recording form (standin recordings, or a nock-style array)' });
    }
  }
  return { folder, exchanges, ignored, unreadable };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
