import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { unwrapEvents } from '../events/wrap';
import type { Io } from './io';

/**
 * One event read from the command line: its label (file, file#index or file#Findings[2]) and the
 * JSON, with a note when Warden wrapped a raw export into an EventBridge event; or why there is none.
 */
export type InputEvent = { source: string; raw: unknown; note?: string } | { source: string; error: string };

/** The path that means standard input. */
export const STDIN = '-';

const EVENT_FILE_EXTENSIONS = new Set(['.json']);

/** Files named on the command line, with directories walked (sorted, so output order is stable). */
export async function expandPaths(paths: string[]): Promise<{ files: string[]; errors: InputEvent[] }> {
  const files: string[] = [];
  const errors: InputEvent[] = [];
  for (const path of paths) {
    if (path === STDIN) {
      files.push(path);
      continue;
    }
    const info = await stat(path).catch(() => undefined);
    if (!info) errors.push({ source: path, error: 'no such file or directory' });
    else if (!info.isDirectory()) files.push(path);
    else {
      const found = await walk(path);
      if (found.length === 0) errors.push({ source: path, error: 'directory holds no .json event file' });
      files.push(...found);
    }
  }
  return { files, errors };
}

async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((entry) => {
        const path = join(directory, entry.name);
        if (entry.isDirectory()) return walk(path);
        return Promise.resolve(EVENT_FILE_EXTENSIONS.has(extname(entry.name)) ? [path] : []);
      }),
  );
  return nested.flat();
}

/**
 * Text in UTF-8, or in UTF-16 with its byte-order mark (what Windows PowerShell 5 writes for
 * `aws ... > file.json`); a UTF-8 byte-order mark is dropped. Undefined for binary data.
 */
export function decodeText(bytes: Buffer): string | undefined {
  const [first, second] = bytes;
  if (first === 0xff && second === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (first === 0xfe && second === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  if (bytes.includes(0)) return undefined;
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * A file (or `-`, standard input) holds one JSON document (an event, an array of events, or a raw
 * export Warden wraps: see src/events/wrap.ts) or newline-delimited JSON, one document per line.
 */
export async function readEvents(file: string, readStdin: () => Promise<Buffer> = readAll): Promise<InputEvent[]> {
  const label = file === STDIN ? 'stdin' : file;
  let text: string;
  try {
    const decoded = decodeText(file === STDIN ? await readStdin() : await readFile(file));
    if (decoded === undefined) return [{ source: label, error: 'binary file, not JSON' }];
    text = decoded;
  } catch (error) {
    return [{ source: label, error: `cannot read: ${(error as Error).message}` }];
  }
  if (text.trim() === '') return [{ source: label, error: 'empty file' }];
  const documents = parseDocuments(text);
  if ('error' in documents) return [{ source: label, error: documents.error }];
  const several = documents.values.length > 1;
  return documents.values.flatMap((value, line) =>
    unwrapEvents(value).map(({ raw, note, path }) => {
      const where = [several ? `line ${line + 1}` : '', path ?? ''].filter(Boolean).join(' ');
      return { source: where ? `${label}#${where}` : label, raw, ...(note ? { note } : {}) };
    }),
  );
}

/** One JSON document, or else newline-delimited JSON; the error of the whole-file parse when neither. */
function parseDocuments(text: string): { values: unknown[] } | { error: string } {
  try {
    return { values: [JSON.parse(text)] };
  } catch (error) {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length > 1) {
      const values: unknown[] = [];
      for (const [index, line] of lines.entries()) {
        try {
          values.push(JSON.parse(line));
        } catch (lineError) {
          return {
            error: `invalid JSON: ${oneLine((error as Error).message)} (read as newline-delimited JSON, line ${index + 1}: ${oneLine((lineError as Error).message)})`,
          };
        }
      }
      return { values };
    }
    return { error: `invalid JSON: ${oneLine((error as Error).message)}` };
  }
}

/** JSON.parse quotes the offending text, newlines included; a report line stays one line. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

async function readAll(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Above this many files a terminal shows a progress bar while reading. */
const PROGRESS_FROM_FILES = 20;

/** Reads every file, with a progress bar on a terminal when there are many. */
export async function readAllInputs(paths: string[], io: Pick<Io, 'stderr' | 'progress' | 'readStdin'>): Promise<InputEvent[]> {
  const { files, errors } = await expandPaths(paths);
  const inputs: InputEvent[] = [...errors];
  const showProgress = io.progress && files.length > PROGRESS_FROM_FILES;
  for (const [index, file] of files.entries()) {
    inputs.push(...(await readEvents(file, io.readStdin)));
    if (showProgress) io.stderr(`\r${progressBar(index + 1, files.length)}`);
  }
  if (showProgress) io.stderr('\n');
  return inputs;
}

export function progressBar(done: number, total: number, width = 30): string {
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} files`;
}
