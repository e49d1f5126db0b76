import { parseEvent } from '../events';
import type { Trigger } from '../plan';
import { type InputEvent, readInputs } from './inputs';
import type { Io } from './io';
import { painter } from './style';

/** One row of `warden validate --json`. */
export interface ValidationReport {
  file: string;
  valid: boolean;
  /** The trigger whose rule claims the event; null when none does (valid, but EventBridge would not deliver it). */
  trigger: Trigger | null;
  /** What is wrong and where (invalid), or why no rule claims it (valid, unclaimed). */
  reason?: string;
}

/** Judges one input as replay does: broken input and schema failures are invalid; an event no rule routes is valid. */
export function validateInput(input: InputEvent): ValidationReport {
  if ('error' in input) return { file: input.source, valid: false, trigger: null, reason: input.error };
  const parsed = parseEvent(input.raw);
  if (parsed.ok) return { file: input.source, valid: true, trigger: parsed.trigger };
  if ('unrouted' in parsed && parsed.unrouted) return { file: input.source, valid: true, trigger: null, reason: parsed.error };
  return { file: input.source, valid: false, trigger: parsed.trigger, reason: parsed.error };
}

/** `warden validate`: schema check only, one line per event (or --json), a summary; exit code 1 when any is invalid. */
export async function validate(paths: string[], io: Io, options: { json?: boolean } = {}): Promise<number> {
  const paint = painter(io.colour);
  let invalid = 0;
  let unclaimed = 0;
  let total = 0;
  for await (const input of readInputs(paths, io)) {
    const report = validateInput(input);
    if (options.json) io.stdout(`${total === 0 ? '[\n' : ',\n'}  ${JSON.stringify(report)}`);
    total++;
    if (!report.valid) invalid++;
    else if (report.trigger === null) unclaimed++;
    if (options.json) continue;
    if (!report.valid) io.stdout(`${paint('red', 'INVALID')}  ${report.file}: ${report.reason}\n`);
    else if (report.trigger) io.stdout(`${paint('green', 'valid  ')}  ${report.file} (${report.trigger})\n`);
    else io.stdout(`${paint('green', 'valid  ')}  ${report.file} (not claimed by any Warden rule)\n`);
  }
  if (options.json) io.stdout(total === 0 ? '[]\n' : '\n]\n');
  const summary = `Summary: ${total} event(s): ${total - invalid} valid (${unclaimed} not claimed by any Warden rule), ${invalid} invalid\n`;
  if (options.json) io.stderr(summary);
  else io.stdout(summary);
  return invalid > 0 ? 1 : 0;
}
