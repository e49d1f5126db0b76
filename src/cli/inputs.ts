import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { unwrapEvents, unwrapListItem } from '../events/wrap';
import type { Io } from './io';
import { type JsonPiece, splitJson } from './json-stream';

/**
 * One event read from the command line: its label (file, file#index or file#Findings[2]) and the
 * JSON, with a note when Warden wrapped a raw export into an EventBridge event; or why there is none.
 */
export type InputEvent = { source: string; raw: unknown; note?: string } | { source: string; error: string };

/** The path that means standard input. */
export const STDIN = '-';

/** Event files in a walked directory: JSON, newline-delimited JSON, and either gzipped (as CloudTrail writes to S3). */
const EVENT_FILE = /\.(json|jsonl|ndjson)(\.gz)?$|\.gz$/;
/** Folders a walk never enters: dependencies and hidden folders (.git, .venv...). */
const skippedFolder = (name: string) => name === 'node_modules' || name.startsWith('.');

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
      if (found.length === 0) errors.push({ source: path, error: 'directory holds no event file (.json, .jsonl, .ndjson, .gz)' });
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
        if (entry.isDirectory()) return skippedFolder(entry.name) ? Promise.resolve([]) : walk(path);
        return Promise.resolve(EVENT_FILE.test(entry.name) ? [path] : []);
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

const GZIP = [0x1f, 0x8b];
const READ_CHUNK = 1 << 20;

/** A file's bytes as they are read: gunzipped when gzipped, re-encoded to UTF-8 when UTF-16. */
async function openBytes(file: string, readStdin: () => Promise<Buffer>): Promise<AsyncIterable<Buffer> | { error: string }> {
  let head: Buffer;
  let whole: Buffer | undefined;
  if (file === STDIN) {
    whole = await readStdin();
    head = whole.subarray(0, 4);
  } else {
    const handle = await open(file, 'r');
    try {
      head = Buffer.alloc(4);
      const { bytesRead } = await handle.read(head, 0, 4, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
  const source = (): Readable => (whole ? Readable.from([whole]) : createReadStream(file, { highWaterMark: READ_CHUNK }));
  if (head[0] === GZIP[0] && head[1] === GZIP[1]) return source().pipe(createGunzip({ chunkSize: READ_CHUNK }));
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (utf16) {
    const chunks: Buffer[] = [];
    for await (const chunk of source()) chunks.push(chunk as Buffer);
    return Readable.from([Buffer.from(decodeText(Buffer.concat(chunks)) ?? '', 'utf8')]);
  }
  return source();
}

/** Stops at the first chunk holding a NUL byte, which JSON text never has. */
async function* textOnly(chunks: AsyncIterable<Buffer>, binary: { found: boolean }): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    if (chunk.includes(0)) {
      binary.found = true;
      return;
    }
    yield chunk;
  }
}

/**
 * The events of a file (or `-`, standard input), as they are read: one JSON document (an event, an
 * array of events, or a raw export Warden wraps: see src/events/wrap.ts) or newline-delimited JSON.
 * A CloudTrail log file's `Records` are read one at a time, so a day of them fits in memory.
 */
export async function* readEvents(file: string, readStdin: () => Promise<Buffer> = readAll): AsyncGenerator<InputEvent> {
  const label = file === STDIN ? 'stdin' : file;
  let bytes: AsyncIterable<Buffer> | { error: string };
  try {
    bytes = await openBytes(file, readStdin);
  } catch (error) {
    yield { source: label, error: `cannot read: ${(error as Error).message}` };
    return;
  }
  if ('error' in bytes) {
    yield { source: label, ...bytes };
    return;
  }
  const binary = { found: false };
  // The first document is held back until it is known whether more follow: only then is it "line 1".
  let held: InputEvent[] | undefined = [];
  let read = 0;
  try {
    for await (const piece of splitJson(textOnly(bytes, binary))) {
      read++;
      if (held && piece.document > 1) {
        yield* held.map((event) => relabel(event, label, 1));
        held = undefined;
      }
      const events = eventsOf(piece, label, held === undefined);
      const streamed = 'value' in piece && (piece.key !== undefined || piece.index !== undefined);
      if (held && !streamed) held.push(...events);
      else {
        if (held) {
          yield* held;
          held = [];
        }
        yield* events;
      }
    }
  } catch (error) {
    yield { source: label, error: `cannot read: ${(error as Error).message}` };
    return;
  }
  if (held) yield* held;
  if (binary.found) yield { source: label, error: 'binary file, not JSON' };
  else if (read === 0) yield { source: label, error: 'empty file' };
}

/** The source label of a piece: `file#line 3 Records[12]`. */
function eventsOf(piece: JsonPiece, label: string, numbered: boolean): InputEvent[] {
  const line = numbered ? `line ${piece.line}` : '';
  if ('error' in piece) return [{ source: [label, line].filter(Boolean).join('#'), error: piece.error }];
  const unwrapped =
    piece.key !== undefined
      ? unwrapListItem(piece.key, piece.value, piece.index ?? 0)
      : piece.index !== undefined
        ? unwrapEvents(piece.value).map((u) => ({ ...u, path: u.path ? `[${piece.index}].${u.path}` : `[${piece.index}]` }))
        : unwrapEvents(piece.value);
  return unwrapped.map(({ raw, note, path }) => {
    const where = [line, path ?? ''].filter(Boolean).join(' ');
    return { source: where ? `${label}#${where}` : label, raw, ...(note ? { note } : {}) };
  });
}

/** Labels a held-back event of the first document with its line, once a second document showed up. */
function relabel(event: InputEvent, label: string, line: number): InputEvent {
  const rest = event.source.slice(label.length).replace(/^#/, '');
  return { ...event, source: `${label}#line ${line}${rest ? ` ${rest}` : ''}` };
}

async function readAll(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Above this many files a terminal shows a progress bar while reading. */
const PROGRESS_FROM_FILES = 20;

/** Every event of every file, in order, as it is read, with a progress bar on a terminal when there are many files. */
export async function* readInputs(paths: string[], io: Pick<Io, 'stderr' | 'progress' | 'readStdin'>): AsyncGenerator<InputEvent> {
  const { files, errors } = await expandPaths(paths);
  yield* errors;
  const showProgress = io.progress && files.length > PROGRESS_FROM_FILES;
  for (const [index, file] of files.entries()) {
    yield* readEvents(file, io.readStdin);
    if (showProgress) io.stderr(`\r${progressBar(index + 1, files.length)}`);
  }
  if (showProgress) io.stderr('\n');
}

/** Every event of every file, collected (for commands that need them all, such as --apply). */
export async function readAllInputs(paths: string[], io: Pick<Io, 'stderr' | 'progress' | 'readStdin'>): Promise<InputEvent[]> {
  const inputs: InputEvent[] = [];
  for await (const input of readInputs(paths, io)) inputs.push(input);
  return inputs;
}

export function progressBar(done: number, total: number, width = 30): string {
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} files`;
}
