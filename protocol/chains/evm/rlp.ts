/**
 * Recursive Length Prefix encoding (Ethereum Yellow Paper, Appendix B): the only serialisation the
 * typed transaction envelope needs. Decoding is included so a signed transaction can be read back.
 */
import { concatBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError } from '../../errors.js';
import { bigintToMinimalBytes, bytesToBigint } from './hex.js';

export type RlpItem = Uint8Array | RlpItem[];

function lengthPrefix(length: number, shortBase: number): Uint8Array {
  if (length < 56) return Uint8Array.of(shortBase + length);
  const lenBytes = bigintToMinimalBytes(BigInt(length));
  return concatBytes(Uint8Array.of(shortBase + 55 + lenBytes.length), lenBytes);
}

export function rlpEncode(item: RlpItem): Uint8Array {
  if (item instanceof Uint8Array) {
    if (item.length === 1 && (item[0] as number) < 0x80) return item.slice();
    return concatBytes(lengthPrefix(item.length, 0x80), item);
  }
  const payload = concatBytes(...item.map(rlpEncode));
  return concatBytes(lengthPrefix(payload.length, 0xc0), payload);
}

/** Decodes exactly one item spanning the whole input; refuses non-canonical encodings. */
export function rlpDecode(input: Uint8Array): RlpItem {
  const [item, end] = decodeAt(input, 0);
  if (end !== input.length)
    throw new InvalidArgumentError('rlp', 'one item spanning the input', `${input.length - end} trailing bytes`);
  return item;
}

function decodeAt(input: Uint8Array, pos: number): [RlpItem, number] {
  const first = input[pos];
  if (first === undefined) throw new InvalidArgumentError('rlp', 'more bytes', 'end of input');
  if (first < 0x80) return [input.slice(pos, pos + 1), pos + 1];
  const isList = first >= 0xc0;
  const base = isList ? 0xc0 : 0x80;
  let length: number;
  let start: number;
  if (first - base < 56) {
    length = first - base;
    start = pos + 1;
  } else {
    const lenOfLen = first - base - 55;
    const lenBytes = input.slice(pos + 1, pos + 1 + lenOfLen);
    if (lenBytes.length !== lenOfLen || lenBytes[0] === 0)
      throw new InvalidArgumentError('rlp', 'a canonical long length');
    length = Number(bytesToBigint(lenBytes));
    if (length < 56) throw new InvalidArgumentError('rlp', 'a canonical long length', `${length}`);
    start = pos + 1 + lenOfLen;
  }
  const end = start + length;
  if (end > input.length)
    throw new InvalidArgumentError('rlp', `${length} bytes of payload`, `${input.length - start}`);
  if (!isList) {
    const value = input.slice(start, end);
    if (length === 1 && (value[0] as number) < 0x80) throw new InvalidArgumentError('rlp', 'a canonical single byte');
    return [value, end];
  }
  const items: RlpItem[] = [];
  let p = start;
  while (p < end) {
    const [child, next] = decodeAt(input.subarray(0, end), p);
    items.push(child);
    p = next;
  }
  return [items, end];
}
