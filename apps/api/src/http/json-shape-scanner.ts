import { MAX_JSON_DEPTH } from './unsafe-json';

/** What a JSON body may hold; checked while it streams, before JSON.parse sees it. */
export interface JsonShapeLimits {
  /** Open objects and arrays at once (the top level counts as one). */
  maxDepth: number;
  /** Keys of any one object. */
  maxKeysPerObject: number;
  /** UTF-16 code units of any one string or key (escapes count as what they encode, roughly: one each). */
  maxStringLength: number;
  /** Values in the whole body: each object member and each array item counts one (a route that takes one event sets it). */
  maxValues: number;
}

export const DEFAULT_JSON_SHAPE_LIMITS: JsonShapeLimits = {
  maxDepth: MAX_JSON_DEPTH,
  // Far above any registered type; a flat object of 270,000 keys costs seconds further in (issue 13).
  maxKeysPerObject: 10_000,
  maxStringLength: 1024 * 1024,
  maxValues: Infinity,
};

/** Why a body is refused: too deep is malformed (400); too many keys or too long a string is too large (413). */
export interface ShapeRefusal {
  code: 'validation_failed' | 'payload_too_large';
  message: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const OBJECT = 1;
const ARRAY = 2;
/** The top level, for splitting an array body into its items: nothing yet, inside its array, after it (blanks only), anything else. */
const TOP_NONE = 0;
const TOP_ARRAY = 1;
const TOP_CLOSED = 2;
const TOP_OTHER = 3;

/**
 * Most items an array body is split into (the batch routes take at most 1,000 events): a parse per
 * item pays for items of real size, while a body of millions of tiny ones parses faster whole.
 */
const MAX_SPLIT_ITEMS = 1000;

const isBlank = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * A single pass over JSON text as it arrives, in O(n) and without building
 * anything: it counts nesting depth, keys per object (a `:` outside a string
 * ends a key), values (members and array items) and string lengths, and says why the text must be refused the
 * moment a limit is crossed. It does not validate syntax: JSON.parse does,
 * once the text is known to be harmless to parse.
 *
 * When the body is one top-level array, it also notes where the array's
 * items are separated (its `[`, each `,` between items, its `]`), so that the
 * reader can parse, and keep, each item's text alone (itemSeparators).
 */
export class JsonShapeScanner {
  private depth = 0;
  /** Keys counted so far in each open container (arrays never count any). */
  private readonly keys: Uint32Array;
  /** OBJECT or ARRAY, for each open container. */
  private readonly kinds: Uint8Array;
  private values = 0;
  /** Just after `[`: the next character that is not blank nor `]` starts the array's first item. */
  private arrayOpened = false;
  private inString = false;
  private escaped = false;
  private stringLength = 0;
  /** Characters written before the current piece. */
  private written = 0;
  private top = TOP_NONE;
  private readonly separators: number[] = [];

  constructor(private readonly limits: JsonShapeLimits = DEFAULT_JSON_SHAPE_LIMITS) {
    this.keys = new Uint32Array(limits.maxDepth + 1);
    this.kinds = new Uint8Array(limits.maxDepth + 1);
  }

  /** Feeds the next piece of text; returns why the body must be refused, or null to go on. */
  write(text: string): ShapeRefusal | null {
    const { maxDepth, maxKeysPerObject, maxStringLength, maxValues } = this.limits;
    const tooManyValues = (): ShapeRefusal => ({
      code: 'payload_too_large',
      message: `the body holds more than ${maxValues} values (object members and array items, at every level)`,
    });
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          continue;
        }
        if (++this.stringLength > maxStringLength) return { code: 'payload_too_large', message: `a string in the body is longer than ${maxStringLength} characters` };
        continue;
      }
      if (this.arrayOpened && c !== CLOSE_ARRAY && !isBlank(c)) {
        this.arrayOpened = false;
        if (++this.values > maxValues) return tooManyValues();
      }
      // Anything but the one array's `[` at the top level, or after it, leaves the body to be parsed whole.
      if (this.depth === 0 && !isBlank(c)) {
        if (c === OPEN_ARRAY && this.top === TOP_NONE) {
          this.top = TOP_ARRAY;
          this.separators.push(this.written + i);
        } else this.top = TOP_OTHER;
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          this.stringLength = 0;
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (this.depth >= maxDepth) return { code: 'validation_failed', message: `the body is nested deeper than ${maxDepth} levels` };
          this.keys[++this.depth] = 0;
          this.kinds[this.depth] = c === OPEN_ARRAY ? ARRAY : OBJECT;
          this.arrayOpened = c === OPEN_ARRAY;
          break;
        case COMMA:
          if (this.kinds[this.depth] === ARRAY && ++this.values > maxValues) return tooManyValues();
          if (this.depth === 1 && this.top === TOP_ARRAY) {
            this.separators.push(this.written + i);
            if (this.separators.length > MAX_SPLIT_ITEMS) {
              this.top = TOP_OTHER;
              this.separators.length = 0;
            }
          }
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          this.arrayOpened = false;
          if (this.depth === 1 && this.top === TOP_ARRAY) {
            this.top = c === CLOSE_ARRAY ? TOP_CLOSED : TOP_OTHER;
            this.separators.push(this.written + i);
          }
          // Unbalanced text is JSON.parse's to refuse; never go below the top.
          if (this.depth > 0) this.depth--;
          break;
        case COLON:
          if (++this.values > maxValues) return tooManyValues();
          if (++this.keys[this.depth] > maxKeysPerObject) return { code: 'payload_too_large', message: `an object in the body has more than ${maxKeysPerObject} keys` };
          break;
      }
    }
    this.written += text.length;
    return null;
  }

  /**
   * For a body that is one array with nothing but blanks around it, the
   * positions of its `[`, of each `,` between its items and of its `]`: the
   * text between two neighbours is one item (blanks around it included), and
   * the body is valid JSON exactly when each item is. Null for any other body,
   * and for an array of more than MAX_SPLIT_ITEMS items.
   */
  itemSeparators(): readonly number[] | null {
    return this.top === TOP_CLOSED && this.depth === 0 ? this.separators : null;
  }
}
