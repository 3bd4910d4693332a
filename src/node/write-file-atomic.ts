/**
 * The one way standin writes a file (recordings, reports, fixtures): the text goes to a fresh temporary
 * file in the same folder (created exclusively, so it can be no one else's file or symlink), is flushed
 * to disk, and only then takes the final name. A `kill -9` mid-write leaves the old file (or none) and a
 * stray `.tmp`, never half a file under the real name.
 *
 * The final name is never followed when it is a symlink, and an existing file is kept unless the caller
 * says `overwrite` (the CLI's `--force`): without it the file is linked into place, which fails
 * atomically if the name appeared meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface WriteFileOptions {
  /** Replace an existing regular file (never a symlink). Default false: an existing file is an error. */
  overwrite?: boolean;
  /** Create the folder (and its parents) when missing. Default false. */
  makeDirectory?: boolean;
}

export class WriteRefusedError extends Error {
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(`will not write ${path}: ${why}`);
  }
}

/** Throws what `writeFileAtomic` would refuse, before any work is done (it checks again when writing). */
export async function refuseToReplace(path: string, overwrite = false): Promise<void> {
  const existing = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isSymbolicLink()) throw new WriteRefusedError(path, 'it is a symbolic link (standin never writes through one)');
  if (existing && !existing.isFile()) throw new WriteRefusedError(path, 'it exists and is not a regular file');
  if (existing && !overwrite) throw new WriteRefusedError(path, 'the file exists (use --force to replace it)');
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteFileOptions = {}): Promise<void> {
  const dir = dirname(path);
  if (options.makeDirectory) await mkdir(dir, { recursive: true });
  await refuseToReplace(path, options.overwrite);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': O_CREAT | O_EXCL, which also refuses to open through a symlink planted under the temp name.
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite) {
      // rename replaces the name itself; were it swapped for a symlink meanwhile, the link is replaced,
      // not followed.
      await rename(temp, path);
    } else {
      try {
        await link(temp, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new WriteRefusedError(path, 'the file exists (use --force to replace it)');
        throw error;
      }
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}
