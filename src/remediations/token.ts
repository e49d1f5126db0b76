import { createHash } from 'node:crypto';

/**
 * A name-based UUID (RFC 9562 version 8, SHA-256, as in its appendix B.2) of the given parts.
 * StartAutomationExecution requires its ClientToken in UUID format; the same evaluation always gives
 * the same token, so SSM starts no second execution for a repeated event.
 * @see https://www.rfc-editor.org/rfc/rfc9562.html#name-example-of-a-uuidv8-value-n
 */
export function nameBasedUuid(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('\n')).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80; // version 8
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
