/**
 * Splits JSON text arriving in chunks into the values Warden plans one by one, without holding a
 * whole file: the elements of a top-level array, the elements of the list a CloudTrail log file
 * (`{"Records": [...]}`), `lookup-events` output (`Events`) or a findings export (`Findings`)
 * opens with, and otherwise each top-level document (one, or several as newline-delimited JSON).
 * Only one element is held at a time; it is handed to JSON.parse, which does the real parsing.
 */

/** Lists whose elements are streamed when the document's first key names one of them. */
export const STREAMED_KEYS = new Set(['Records', 'Events', 'Findings', 'findings', 'Messages']);

export type JsonPiece =
  | {
      value: unknown;
      /** The list the value was an element of (`Records`), absent for a top-level array or document. */
      key?: string;
      /** Its position in that list or top-level array. */
      index?: number;
      /** 1-based number of the top-level document it belongs to. */
      document: number;
      /** Line on which that document starts. */
      line: number;
    }
  | { error: string; document: number; line: number };

enum Byte {
  Quote = 0x22,
  Backslash = 0x5c,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
  OpenBracket = 0x5b,
  CloseBracket = 0x5d,
  Colon = 0x3a,
  Comma = 0x2c,
  Newline = 0x0a,
}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
const isDelimiter = (byte: number) => isSpace(byte) || byte === Byte.Comma || byte === Byte.CloseBrace || byte === Byte.CloseBracket;

/** Where the splitter is in the first key of a top-level object, deciding whether to stream its list. */
enum Peek {
  Key = 0,
  InKey = 1,
  Colon = 2,
  Value = 3,
  Done = 4,
}

export class JsonSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inScalar = false;
  /** Bytes of the value being collected, and where it started in the current chunk (-1: not collecting). */
  private parts: Buffer[] = [];
  private start = -1;
  private document = 0;
  private line = 1;
  private documentLine = 1;
  /** Depth at which values are emitted: 0 for whole documents, 1 in a top-level array, 2 in a streamed list. */
  private itemDepth = 0;
  private key: string | undefined;
  private index = 0;
  private peek = Peek.Done;
  private keyBytes: number[] = [];
  private firstChunk = true;
  private failed = false;

  /** The values completed by this chunk, in order. */
  push(chunk: Buffer): JsonPiece[] {
    const out: JsonPiece[] = [];
    if (this.failed) return out;
    let from = 0;
    if (this.firstChunk) {
      this.firstChunk = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) from = 3;
    }
    for (let i = from; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === Byte.Newline) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === Byte.Backslash) this.escaped = true;
        else if (byte === Byte.Quote) {
          this.inString = false;
          if (this.peek === Peek.InKey) this.endKey();
          if (this.depth === this.itemDepth && this.start >= 0) this.finish(chunk, i + 1, out);
        } else if (this.peek === Peek.InKey) this.keyBytes.push(byte);
        continue;
      }
      if (this.inScalar) {
        if (!isDelimiter(byte)) continue;
        this.inScalar = false;
        this.finish(chunk, i, out);
        if (this.failed) return out;
      }
      if (isSpace(byte)) continue;
      if (this.depth === this.itemDepth) {
        if (this.itemDepth > 0 && (byte === Byte.Comma || byte === Byte.CloseBracket)) {
          if (byte === Byte.CloseBracket) this.closeList();
          continue;
        }
        if (this.depth === 0) this.beginDocument();
        this.start = i;
        this.parts = [];
        if (byte === Byte.Quote) {
          this.inString = true;
          continue;
        }
        if (byte !== Byte.OpenBrace && byte !== Byte.OpenBracket) {
          this.inScalar = true;
          continue;
        }
      }
      switch (byte) {
        case Byte.Quote:
          this.inString = true;
          if (this.peek === Peek.Key && this.depth === 1) {
            this.peek = Peek.InKey;
            this.keyBytes = [];
          }
          break;
        case Byte.OpenBrace:
        case Byte.OpenBracket:
          this.depth++;
          if (this.depth === 1 && this.itemDepth === 0) {
            if (byte === Byte.OpenBracket) this.streamList(undefined, 1);
            else this.peek = Peek.Key;
          } else if (this.peek === Peek.Value) {
            if (byte === Byte.OpenBracket) this.streamList(this.key, 2);
            else this.peek = Peek.Done;
          }
          break;
        case Byte.CloseBrace:
        case Byte.CloseBracket:
          this.depth--;
          if (this.depth < 0) return this.fail(out, 'unexpected closing bracket');
          if (this.depth === this.itemDepth && this.start >= 0) this.finish(chunk, i + 1, out);
          break;
        case Byte.Colon:
          if (this.peek === Peek.Colon) this.peek = Peek.Value;
          break;
        default:
          if (this.peek === Peek.Value || this.peek === Peek.Colon || this.peek === Peek.Key) this.peek = Peek.Done;
      }
      if (this.failed) return out;
    }
    if (this.start >= 0) {
      this.parts.push(chunk.subarray(this.start));
      this.start = 0;
    }
    return out;
  }

  /** The end of input: a value still open means the input was truncated. */
  end(): JsonPiece[] {
    const out: JsonPiece[] = [];
    if (this.failed) return out;
    if (this.inScalar) {
      this.inScalar = false;
      this.finish(Buffer.alloc(0), 0, out);
      return out;
    }
    if (this.inString || this.depth > 0 || this.start >= 0)
      this.fail(out, `invalid JSON: truncated, the input ends inside ${this.key ? `${this.key}[${this.index}]` : 'a JSON value'}`);
    return out;
  }

  private beginDocument() {
    this.document++;
    this.documentLine = this.line;
    this.index = 0;
    this.key = undefined;
  }

  private streamList(key: string | undefined, depth: number) {
    // A whole-document value was being collected: from here on, its list's elements are emitted instead.
    this.start = -1;
    this.parts = [];
    this.itemDepth = depth;
    this.key = key;
    this.index = 0;
    this.peek = Peek.Done;
  }

  private closeList() {
    this.depth--;
    this.itemDepth = 0;
    // The rest of an object around a streamed list (`NextToken`...) is read past, not collected.
  }

  /** The first key of a top-level object ended: stream its list if it names one. */
  private endKey() {
    const name = Buffer.from(this.keyBytes).toString('utf8');
    if (STREAMED_KEYS.has(name)) {
      this.key = name;
      this.peek = Peek.Colon;
    } else this.peek = Peek.Done;
  }

  private finish(chunk: Buffer, end: number, out: JsonPiece[]) {
    const tail = chunk.subarray(Math.max(this.start, 0), end);
    const bytes = this.parts.length > 0 ? Buffer.concat([...this.parts, tail]) : tail;
    this.parts = [];
    this.start = -1;
    const where = { document: this.document, line: this.documentLine };
    try {
      const value = JSON.parse(bytes.toString('utf8'));
      if (this.itemDepth === 0) out.push({ value, ...where });
      else out.push({ value, ...(this.key ? { key: this.key } : {}), index: this.index, ...where });
      this.index++;
    } catch (error) {
      this.fail(
        out,
        `invalid JSON${this.itemDepth > 0 ? ` in ${this.key ?? ''}[${this.index}]` : ''}: ${(error as Error).message.replace(/\s+/g, ' ')}`,
      );
    }
  }

  private fail(out: JsonPiece[], error: string): JsonPiece[] {
    this.failed = true;
    out.push({ error, document: Math.max(this.document, 1), line: this.documentLine });
    return out;
  }
}

/** The values of a byte stream, as they complete. */
export async function* splitJson(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<JsonPiece> {
  const splitter = new JsonSplitter();
  for await (const chunk of chunks) yield* splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  yield* splitter.end();
}
