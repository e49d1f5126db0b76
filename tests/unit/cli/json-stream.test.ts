import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JsonPiece, JsonSplitter } from '../../../src/cli/json-stream';

/** Feeds the text in chunks cut at the given offsets and collects what comes out. */
function split(text: string, cuts: number[] = []): JsonPiece[] {
  const bytes = Buffer.from(text);
  const splitter = new JsonSplitter();
  const out: JsonPiece[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(...splitter.push(bytes.subarray(from, cut)));
    from = cut;
  }
  out.push(...splitter.push(bytes.subarray(from)), ...splitter.end());
  return out;
}

const values = (pieces: JsonPiece[]) => pieces.map((piece) => ('value' in piece ? [piece.key, piece.index, piece.value] : piece.error));

describe('JsonSplitter', () => {
  it('streams the records of a CloudTrail log file one by one, whatever they hold', () => {
    // Prepare
    const text = '{"Records": [{"a": "}]\\"{["}, {"b": [1, {"c": null}]}, 3, "x"]}';
    // Act
    const pieces = split(text);
    // Assess
    expect(values(pieces)).toEqual([
      ['Records', 0, { a: '}]"{[' }],
      ['Records', 1, { b: [1, { c: null }] }],
      ['Records', 2, 3],
      ['Records', 3, 'x'],
    ]);
  });

  it('streams a top-level array, reads other documents whole, and numbers NDJSON documents by line', () => {
    expect(values(split('[{"a":1},{"b":2}]'))).toEqual([
      [undefined, 0, { a: 1 }],
      [undefined, 1, { b: 2 }],
    ]);
    expect(values(split('{"NextToken": "t", "Events": [1]}'))).toEqual([[undefined, undefined, { NextToken: 't', Events: [1] }]]);
    expect(split('{"a":1}\n\n{"b":2}\n').map((piece) => [piece.document, piece.line])).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });

  it('reads past what follows a streamed list (lookup-events NextToken)', () => {
    expect(values(split('{"Events": [{"e": 1}], "NextToken": "abc"}'))).toEqual([['Events', 0, { e: 1 }]]);
  });

  it('says where input is truncated or broken', () => {
    expect(values(split('{"Records": [{"a": 1}, {"b": '))).toEqual([
      ['Records', 0, { a: 1 }],
      expect.stringMatching(/^invalid JSON: truncated.*Records\[1\]/),
    ]);
    expect(values(split('{"a": tru}'))).toEqual([expect.stringMatching(/^invalid JSON: /)]);
  });

  it('gives the same values wherever the chunks are cut', () => {
    const text = JSON.stringify({
      Records: [
        { eventName: 'ConsoleLogin', nested: { q: '"\\}' } },
        { eventName: 'x', list: [1, 2, { y: 'é' }] },
      ],
    });
    const whole = values(split(text));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: Buffer.byteLength(text) - 1 }), { maxLength: 6 }), (cuts) => {
        expect(values(split(text, cuts))).toEqual(whole);
      }),
    );
  });
});
