/** Reads a folder of recorded exchanges from disk (Node only); see src/contract/recordings.ts for the forms. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { bodyRecording, jsonLinesRecording, parseCassette, parseRecordingJson, sseRecording, type RecordedExchange } from '../contract/recordings.js';

const RECORDING = /\.(sse|json|jsonl|chunks\.txt)$/;
const YAML = /\.ya?ml$/;

/**
 * The exchanges in `dir`. When `dir` holds a sub-folder named after the provider or its protocol family
 * (`anthropic`, `openai`, `runware`), that sub-folder is read instead, so one folder of recordings serves
 * every provider. A `.json`, `.sse`, `.jsonl` or `.chunks.txt` file that cannot be read as a recording
 * (unreadable, empty, cut off mid-write, in an unknown form) is listed in `unreadable` with the reason,
 * and so is a YAML file that does not parse; a YAML file that parses but is no VCR cassette, and other
 * files (notes), are listed in `ignored`.
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
    const isYaml = YAML.test(file);
    const isRecording = RECORDING.test(file) || isYaml;
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
    } else if (file.endsWith('.jsonl') || file.endsWith('.chunks.txt')) {
      exchanges.push(...jsonLinesRecording(file, text));
    } else if (isYaml) {
      let data: unknown;
      try {
        data = parseYaml(text);
      } catch (error) {
        unreadable.push({ file: path, reason: `not valid YAML (cut off mid-write?): ${(error as Error).message}` });
        continue;
      }
      const parsed = parseCassette(file, data);
      if (parsed) exchanges.push(...parsed);
      else ignored.push(file);
    } else {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        unreadable.push({ file: path, reason: `not valid JSON (cut off mid-write?): ${(error as Error).message}` });
        continue;
      }
      const parsed = file.endsWith('.response.json') ? [bodyRecording(file, data)] : parseRecordingJson(file, data);
      if (parsed) exchanges.push(...parsed);
      else unreadable.push({ file: path, reason: 'JSON in no known recording form (standin recordings, a nock-style array, or a *.response.json body)' });
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
