import { parseEvent } from '../events';
import { readAllInputs } from './inputs';
import type { Io } from './io';
import { painter } from './style';

/** `warden validate`: schema check only, one line per event; exit code 1 when any is invalid. */
export async function validate(paths: string[], io: Io): Promise<number> {
  const paint = painter(io.colour);
  let invalid = 0;
  for (const input of await readAllInputs(paths, io)) {
    const parsed = 'error' in input ? { ok: false as const, error: input.error, trigger: null } : parseEvent(input.raw);
    if (parsed.ok) io.stdout(`${paint('green', 'valid  ')}  ${input.source} (${parsed.trigger})\n`);
    else {
      invalid += 1;
      io.stdout(`${paint('red', 'INVALID')}  ${input.source}: ${parsed.error}\n`);
    }
  }
  return invalid > 0 ? 1 : 0;
}
