/**
 * Solidity ABI encoding for contract calls given as Planbok does: `abiFunctionSignature` such as
 * "transfer(address,uint256)" and `abiParameters`, a JSON array of values in signature order.
 * Decoding is the inverse, for showing a call in the Gateway. Covers the types the ABI spec defines
 * for function arguments: address, bool, uint<M>, int<M>, bytes<M>, bytes, string, T[], T[k], tuples.
 *
 * JSON value conventions: integers as decimal strings (or safe integers, or 0x-hex strings),
 * bytes as 0x-hex, tuples as arrays in component order. Decoded values use the same conventions.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError } from '../../errors.js';
import { checksumEvmAddress, parseEvmAddress } from './address.js';
import { bigintToMinimalBytes, bytesToBigint, describe, from0x, to0x } from './hex.js';

export type AbiType =
  | { kind: 'address' }
  | { kind: 'bool' }
  | { kind: 'uint'; bits: number }
  | { kind: 'int'; bits: number }
  | { kind: 'fixed-bytes'; size: number }
  | { kind: 'bytes' }
  | { kind: 'string' }
  | { kind: 'array'; inner: AbiType; length: number | undefined }
  | { kind: 'tuple'; components: AbiType[] };

export interface AbiParameter {
  type: AbiType;
  /** Optional parameter name from the signature ("transfer(address to,uint256 amount)"). */
  name: string | undefined;
}

export interface AbiFunction {
  name: string;
  inputs: AbiParameter[];
  /** Canonical signature, e.g. "transfer(address,uint256)". */
  signature: string;
  /** First four bytes of keccak256(signature), 0x-hex. */
  selector: `0x${string}`;
}

/** JSON-safe ABI value. */
export type AbiValue = string | number | boolean | AbiValue[];

const MAX_DEPTH = 16;
const MAX_FIXED_ARRAY = 1024;

/** Parses "name(type[ name],…)" into its inputs, canonical signature and selector. */
export function parseAbiFunctionSignature(signature: string): AbiFunction {
  if (typeof signature !== 'string' || signature.length > 1024) {
    throw new InvalidArgumentError('abiFunctionSignature', 'a string of at most 1024 characters', describe(signature));
  }
  const s = signature.trim();
  const match = /^([A-Za-z_$][A-Za-z0-9_$]*)\s*\((.*)\)$/s.exec(s);
  if (!match) {
    throw new InvalidArgumentError(
      'abiFunctionSignature',
      'the form "name(type,…)", e.g. "transfer(address,uint256)"',
      JSON.stringify(signature),
    );
  }
  const name = match[1] as string;
  const inputs = splitTopLevel(match[2] as string, 'abiFunctionSignature').map((part) => parseParameter(part, 0));
  const canonical = `${name}(${inputs.map((p) => formatAbiType(p.type)).join(',')})`;
  const selector = to0x(keccak_256(utf8ToBytes(canonical)).subarray(0, 4));
  return { name, inputs, signature: canonical, selector };
}

/** Parses one Solidity type ("uint256", "(address,uint256)[]", "bytes32[2]"). */
export function parseAbiType(text: string): AbiType {
  return parseTypeText(text.trim(), 0);
}

function splitTopLevel(list: string, field: string): string[] {
  if (list.trim() === '') return [];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new InvalidArgumentError(field, 'balanced parentheses', JSON.stringify(list));
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new InvalidArgumentError(field, 'balanced parentheses', JSON.stringify(list));
  parts.push(current);
  return parts.map((p) => p.trim());
}

function parseParameter(text: string, depth: number): AbiParameter {
  // "type", "type name" or "type memory name": the name is the last top-level word, when it is not
  // part of the type (a type never contains top-level whitespace).
  let depthHere = 0;
  let lastSpace = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depthHere++;
    else if (ch === ')') depthHere--;
    else if (depthHere === 0 && /\s/.test(ch as string)) lastSpace = i;
  }
  if (lastSpace === -1) return { type: parseTypeText(text, depth), name: undefined };
  const name = text.slice(lastSpace + 1);
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) {
    throw new InvalidArgumentError('abiFunctionSignature', 'a parameter name after the type', JSON.stringify(text));
  }
  const typeText = text
    .slice(0, lastSpace)
    .trim()
    .replace(/\s+(memory|calldata|storage)$/, '');
  return { type: parseTypeText(typeText, depth), name };
}

function parseTypeText(text: string, depth: number): AbiType {
  if (depth > MAX_DEPTH)
    throw new InvalidArgumentError('abiFunctionSignature', `types nested at most ${MAX_DEPTH} deep`);
  const arrayMatch = /^(.*)\[(\d*)\]$/s.exec(text);
  if (arrayMatch) {
    const lengthText = arrayMatch[2] as string;
    let length: number | undefined;
    if (lengthText !== '') {
      length = Number(lengthText);
      if (!(length >= 1 && length <= MAX_FIXED_ARRAY) || lengthText.startsWith('0')) {
        throw new InvalidArgumentError(
          'abiFunctionSignature',
          `a fixed array length from 1 to ${MAX_FIXED_ARRAY}`,
          lengthText,
        );
      }
    }
    return { kind: 'array', inner: parseTypeText((arrayMatch[1] as string).trim(), depth + 1), length };
  }
  if (text.startsWith('(') && text.endsWith(')')) {
    const components = splitTopLevel(text.slice(1, -1), 'abiFunctionSignature').map(
      (p) => parseParameter(p, depth + 1).type,
    );
    if (components.length === 0)
      throw new InvalidArgumentError('abiFunctionSignature', 'a tuple with at least one component', text);
    return { kind: 'tuple', components };
  }
  if (text === 'address') return { kind: 'address' };
  if (text === 'bool') return { kind: 'bool' };
  if (text === 'string') return { kind: 'string' };
  if (text === 'bytes') return { kind: 'bytes' };
  const intMatch = /^(u?)int(\d*)$/.exec(text);
  if (intMatch) {
    const bits = intMatch[2] === '' ? 256 : Number(intMatch[2]);
    if (!(bits >= 8 && bits <= 256 && bits % 8 === 0) || (intMatch[2] as string).startsWith('0')) {
      throw new InvalidArgumentError('abiFunctionSignature', 'an integer width from 8 to 256 in steps of 8', text);
    }
    return { kind: intMatch[1] === 'u' ? 'uint' : 'int', bits };
  }
  const bytesMatch = /^bytes(\d+)$/.exec(text);
  if (bytesMatch) {
    const size = Number(bytesMatch[1]);
    if (!(size >= 1 && size <= 32) || (bytesMatch[1] as string).startsWith('0')) {
      throw new InvalidArgumentError('abiFunctionSignature', 'bytes1 … bytes32', text);
    }
    return { kind: 'fixed-bytes', size };
  }
  throw new InvalidArgumentError(
    'abiFunctionSignature',
    'a Solidity ABI type (address, bool, uintN, intN, bytesN, bytes, string, arrays, tuples)',
    JSON.stringify(text),
  );
}

export function formatAbiType(type: AbiType): string {
  switch (type.kind) {
    case 'uint':
    case 'int':
      return `${type.kind}${type.bits}`;
    case 'fixed-bytes':
      return `bytes${type.size}`;
    case 'array':
      return `${formatAbiType(type.inner)}[${type.length ?? ''}]`;
    case 'tuple':
      return `(${type.components.map(formatAbiType).join(',')})`;
    default:
      return type.kind;
  }
}

function isDynamic(type: AbiType): boolean {
  if (type.kind === 'bytes' || type.kind === 'string') return true;
  if (type.kind === 'array') return type.length === undefined || isDynamic(type.inner);
  if (type.kind === 'tuple') return type.components.some(isDynamic);
  return false;
}

const word = (n: bigint) => {
  const out = new Uint8Array(32);
  const bytes = bigintToMinimalBytes(n);
  out.set(bytes, 32 - bytes.length);
  return out;
};

function padRight(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.length / 32) * 32);
  out.set(bytes);
  return out;
}

function toBigint(value: AbiValue, field: string): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new InvalidArgumentError(field, 'a safe integer (use a decimal string for large values)', String(value));
    return BigInt(value);
  }
  if (typeof value === 'string' && /^-?(0|[1-9]\d*)$/.test(value)) return BigInt(value);
  if (typeof value === 'string' && /^0x[0-9a-fA-F]+$/.test(value)) return BigInt(value);
  throw new InvalidArgumentError(
    field,
    'an integer as a decimal string, 0x-hex string or safe integer',
    describe(value),
  );
}

function encodeValue(type: AbiType, value: AbiValue, field: string): Uint8Array {
  switch (type.kind) {
    case 'address':
      return word(BigInt(parseEvmAddress(value, field)));
    case 'bool':
      if (value === true || value === 'true') return word(1n);
      if (value === false || value === 'false') return word(0n);
      throw new InvalidArgumentError(field, 'true or false', describe(value));
    case 'uint': {
      const n = toBigint(value, field);
      if (n < 0n || n >= 1n << BigInt(type.bits))
        throw new InvalidArgumentError(field, `a uint${type.bits}`, n.toString());
      return word(n);
    }
    case 'int': {
      const n = toBigint(value, field);
      const half = 1n << BigInt(type.bits - 1);
      if (n < -half || n >= half) throw new InvalidArgumentError(field, `an int${type.bits}`, n.toString());
      return word(n < 0n ? (1n << 256n) + n : n);
    }
    case 'fixed-bytes': {
      const bytes = from0x(value, field, type.size);
      return padRight(bytes.length === 32 ? bytes : concatBytes(bytes, new Uint8Array(32 - bytes.length)));
    }
    case 'bytes': {
      const bytes = from0x(value, field);
      return concatBytes(word(BigInt(bytes.length)), padRight(bytes));
    }
    case 'string': {
      if (typeof value !== 'string') throw new InvalidArgumentError(field, 'a string', describe(value));
      const bytes = utf8ToBytes(value);
      return concatBytes(word(BigInt(bytes.length)), padRight(bytes));
    }
    case 'array': {
      if (!Array.isArray(value)) throw new InvalidArgumentError(field, 'an array', describe(value));
      if (type.length !== undefined && value.length !== type.length) {
        throw new InvalidArgumentError(field, `an array of exactly ${type.length} items`, `${value.length}`);
      }
      const body = encodeTuple(
        value.map(() => type.inner),
        value,
        field,
      );
      return type.length === undefined ? concatBytes(word(BigInt(value.length)), body) : body;
    }
    case 'tuple':
      if (!Array.isArray(value))
        throw new InvalidArgumentError(field, 'a tuple as an array of its components', describe(value));
      if (value.length !== type.components.length) {
        throw new InvalidArgumentError(field, `${type.components.length} tuple components`, `${value.length}`);
      }
      return encodeTuple(type.components, value, field);
  }
}

/** ABI-encodes `values` as the tuple `types` (head/tail layout of the ABI spec). */
export function encodeAbiParameters(
  types: AbiType[],
  values: readonly AbiValue[],
  field = 'abiParameters',
): Uint8Array {
  if (!Array.isArray(values)) throw new InvalidArgumentError(field, 'an array', describe(values));
  if (values.length !== types.length) {
    throw new InvalidArgumentError(field, `${types.length} values in signature order`, `${values.length}`);
  }
  return encodeTuple(types, values, field);
}

function encodeTuple(types: AbiType[], values: readonly AbiValue[], field: string): Uint8Array {
  const encoded = types.map((t, i) => encodeValue(t, values[i] as AbiValue, `${field}.${i}`));
  const headSize = types.reduce((sum, t, i) => sum + (isDynamic(t) ? 32 : (encoded[i] as Uint8Array).length), 0);
  const heads: Uint8Array[] = [];
  const tails: Uint8Array[] = [];
  let tailOffset = headSize;
  types.forEach((t, i) => {
    const e = encoded[i] as Uint8Array;
    if (isDynamic(t)) {
      heads.push(word(BigInt(tailOffset)));
      tails.push(e);
      tailOffset += e.length;
    } else heads.push(e);
  });
  return concatBytes(...heads, ...tails);
}

/** selector ‖ encodeAbiParameters(inputs, values): the calldata of a contract call. */
export function encodeFunctionCall(signature: string, values: readonly AbiValue[]): `0x${string}` {
  const fn = parseAbiFunctionSignature(signature);
  const args = encodeAbiParameters(
    fn.inputs.map((i) => i.type),
    values,
  );
  return to0x(concatBytes(from0x(fn.selector, 'selector'), args));
}

/** Decodes calldata produced for `signature`; refuses a different selector or malformed data. */
export function decodeFunctionCall(signature: string, calldata: string): { function: AbiFunction; values: AbiValue[] } {
  const fn = parseAbiFunctionSignature(signature);
  const data = from0x(calldata, 'data');
  if (data.length < 4 || to0x(data.subarray(0, 4)) !== fn.selector) {
    throw new InvalidArgumentError(
      'data',
      `calldata starting with selector ${fn.selector} (${fn.signature})`,
      data.length < 4 ? `${data.length} bytes` : to0x(data.subarray(0, 4)),
    );
  }
  const values = decodeAbiParameters(
    fn.inputs.map((i) => i.type),
    data.subarray(4),
  );
  return { function: fn, values };
}

export function decodeAbiParameters(types: AbiType[], data: Uint8Array): AbiValue[] {
  return decodeTuple(types, data, 0, 0);
}

function readWord(data: Uint8Array, offset: number): Uint8Array {
  if (offset < 0 || offset + 32 > data.length)
    throw new InvalidArgumentError('data', `a 32-byte word at offset ${offset}`, `${data.length} bytes`);
  return data.subarray(offset, offset + 32);
}

function readOffset(data: Uint8Array, at: number): number {
  const n = bytesToBigint(readWord(data, at));
  if (n > BigInt(data.length)) throw new InvalidArgumentError('data', 'an offset inside the data', n.toString());
  return Number(n);
}

function decodeTuple(types: AbiType[], data: Uint8Array, base: number, depth: number): AbiValue[] {
  if (depth > MAX_DEPTH) throw new InvalidArgumentError('data', `nesting at most ${MAX_DEPTH} deep`);
  let head = base;
  return types.map((t) => {
    if (isDynamic(t)) {
      const offset = base + readOffset(data, head);
      head += 32;
      return decodeValue(t, data, offset, depth + 1);
    }
    const value = decodeValue(t, data, head, depth + 1);
    head += staticSize(t);
    return value;
  });
}

function staticSize(t: AbiType): number {
  if (t.kind === 'array') return (t.length ?? 0) * staticSize(t.inner);
  if (t.kind === 'tuple') return t.components.reduce((s, c) => s + staticSize(c), 0);
  return 32;
}

function decodeValue(type: AbiType, data: Uint8Array, at: number, depth: number): AbiValue {
  switch (type.kind) {
    case 'address': {
      const w = readWord(data, at);
      if (w.subarray(0, 12).some((b) => b !== 0))
        throw new InvalidArgumentError('data', 'an address padded with zeros', to0x(w));
      return checksumEvmAddress(to0x(w.subarray(12)));
    }
    case 'bool': {
      const n = bytesToBigint(readWord(data, at));
      if (n > 1n) throw new InvalidArgumentError('data', 'a bool (0 or 1)', n.toString());
      return n === 1n;
    }
    case 'uint': {
      const n = bytesToBigint(readWord(data, at));
      if (n >= 1n << BigInt(type.bits)) throw new InvalidArgumentError('data', `a uint${type.bits}`, n.toString());
      return n.toString();
    }
    case 'int': {
      let n = bytesToBigint(readWord(data, at));
      if (n >= 1n << 255n) n -= 1n << 256n;
      const half = 1n << BigInt(type.bits - 1);
      if (n < -half || n >= half) throw new InvalidArgumentError('data', `an int${type.bits}`, n.toString());
      return n.toString();
    }
    case 'fixed-bytes':
      return to0x(readWord(data, at).subarray(0, type.size));
    case 'bytes':
    case 'string': {
      const length = readOffset(data, at);
      if (at + 32 + length > data.length)
        throw new InvalidArgumentError('data', `${length} bytes of ${type.kind}`, `${data.length - at - 32}`);
      const bytes = data.subarray(at + 32, at + 32 + length);
      if (type.kind === 'bytes') return to0x(bytes);
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    }
    case 'array': {
      let length = type.length;
      let start = at;
      if (length === undefined) {
        length = readOffset(data, at);
        start = at + 32;
      }
      return decodeTuple(
        Array.from({ length }, () => type.inner),
        data,
        start,
        depth,
      );
    }
    case 'tuple':
      return decodeTuple(type.components, data, at, depth);
  }
}
