import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** One event read from the command line: its label (file, or file#index) and the JSON, or why not. */
export type InputEvent = { source: string; raw: unknown } | { source: string; error: string };

const EVENT_FILE_EXTENSIONS = new Set(['.json']);

/** Files named on the command line, with directories walked (sorted, so output order is stable). */
export async function expandPaths(paths: string[]): Promise<{ files: string[]; errors: InputEvent[] }> {
  const files: string[] = [];
  const errors: InputEvent[] = [];
  for (const path of paths) {
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

/** A file holds one event or a JSON array of events. */
export async function readEvents(file: string): Promise<InputEvent[]> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.includes(0)) return [{ source: file, error: 'binary file, not JSON' }];
    text = bytes.toString('utf8');
  } catch (error) {
    return [{ source: file, error: `cannot read: ${(error as Error).message}` }];
  }
  if (text.trim() === '') return [{ source: file, error: 'empty file' }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return [{ source: file, error: `invalid JSON: ${(error as Error).message}` }];
  }
  if (Array.isArray(parsed)) return parsed.map((raw, index) => ({ source: `${file}#${index}`, raw }));
  return [{ source: file, raw: parsed }];
}
