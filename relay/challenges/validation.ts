/**
 * Checks on challenge payload fields that zod cannot express alone: return URLs, addresses per chain
 * family, EVM ABI function signatures and values, EIP-712 typed data. Each returns an error message
 * (what was expected) or undefined when the value is fine.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { base58, base64, bech32, bech32m, createBase58check, hex } from '@scure/base';
import { bitcoinHrp, type ChainFamily } from './chains.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https anywhere, or http only on loopback hosts; no credentials in the URL. */
export function checkReturnUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return 'must use https (http is allowed only on 127.0.0.1, localhost or [::1])';
}

// ---------- addresses ----------

export function checkEvmAddress(value: string): string | undefined {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) return 'must be 0x followed by 40 hex digits';
  const body = value.slice(2);
  if (body === body.toLowerCase() || body === body.toUpperCase()) return undefined;
  const hash = hex.encode(keccak_256(new TextEncoder().encode(body.toLowerCase())));
  for (let i = 0; i < 40; i++) {
    const c = body[i] as string;
    const upper = Number.parseInt(hash[i] as string, 16) >= 8;
    if (/[a-f]/i.test(c) && (c === c.toUpperCase()) !== upper) return 'has a wrong EIP-55 checksum';
  }
  return undefined;
}

function checkSolanaAddress(value: string): string | undefined {
  try {
    return base58.decode(value).length === 32 ? undefined : 'must be a base58 32-byte public key';
  } catch {
    return 'must be a base58 32-byte public key';
  }
}

const NEAR_NAMED = /^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$/;

function checkNearAccount(value: string): string | undefined {
  if (/^[0-9a-f]{64}$/.test(value) || /^0x[0-9a-f]{40}$/.test(value)) return undefined; // implicit accounts
  if (value.length >= 2 && value.length <= 64 && NEAR_NAMED.test(value)) return undefined;
  return 'must be a NEAR account id (2–64 of a-z 0-9 - _ . or a 64-hex implicit account)';
}

const base58check = createBase58check(sha256);

function checkBitcoinAddress(value: string, chainId: string): string | undefined {
  const hrp = bitcoinHrp(chainId);
  const lower = value.toLowerCase();
  if (lower.startsWith(`${hrp}1`)) {
    try {
      const isV0 = lower[hrp.length + 1] === 'q';
      const decoded = (isV0 ? bech32 : bech32m).decode(lower as `${string}1${string}`);
      const [version, ...rest] = decoded.words;
      const program = (isV0 ? bech32 : bech32m).fromWords(rest);
      if (decoded.prefix !== hrp || version === undefined) return `must be a ${hrp} address`;
      if (version === 0 && (program.length === 20 || program.length === 32)) return undefined;
      if (version === 1 && program.length === 32) return undefined;
      return 'has an unsupported witness program';
    } catch {
      return 'has a bad bech32 checksum';
    }
  }
  try {
    const bytes = base58check.decode(value);
    const versions = hrp === 'bc' ? [0x00, 0x05] : [0x6f, 0xc4];
    if (bytes.length === 21 && versions.includes(bytes[0] as number)) return undefined;
  } catch {
    // fall through
  }
  return `must be a Bitcoin address for this network (bech32 "${hrp}1…" or base58check)`;
}

export function checkAddress(family: ChainFamily, chainId: string, value: string): string | undefined {
  switch (family) {
    case 'evm':
      return checkEvmAddress(value);
    case 'solana':
      return checkSolanaAddress(value);
    case 'near':
      return checkNearAccount(value);
    case 'bitcoin':
      return checkBitcoinAddress(value, chainId);
  }
}

// ---------- EVM ABI types and values ----------

export type AbiType =
  | { kind: 'elementary'; name: string }
  | { kind: 'tuple'; components: AbiType[] }
  | { kind: 'array'; of: AbiType; length: number | undefined };

const ELEMENTARY =
  /^(address|bool|string|bytes([1-9]|[12]\d|3[0-2])?|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?)$/;

/** Splits a comma-separated list at top-level commas. */
function splitTopLevel(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0) return undefined;
  parts.push(text.slice(start));
  return parts;
}

/** Parses one ABI type such as `uint256`, `address[]`, `(address,uint256)[2]`; undefined when invalid. */
export function parseAbiType(text: string, depth = 0): AbiType | undefined {
  if (depth > 8) return undefined;
  const array = /^(.*)\[(\d*)\]$/.exec(text);
  if (array) {
    const of = parseAbiType(array[1] as string, depth + 1);
    const length = array[2] === '' ? undefined : Number(array[2]);
    if (!of || length === 0) return undefined;
    return { kind: 'array', of, length };
  }
  const tuple = /^(?:tuple)?\((.*)\)$/.exec(text);
  if (tuple) {
    const inner = tuple[1] as string;
    const parts = inner === '' ? [] : splitTopLevel(inner);
    if (!parts) return undefined;
    const components = parts.map((p) => parseAbiType(p.trim(), depth + 1));
    return components.every((c) => c !== undefined)
      ? { kind: 'tuple', components: components as AbiType[] }
      : undefined;
  }
  const name = text === 'uint' ? 'uint256' : text === 'int' ? 'int256' : text;
  return ELEMENTARY.test(name) ? { kind: 'elementary', name } : undefined;
}

/** `transfer(address,uint256)` → its parameter types; a message when malformed. */
export function parseEvmFunctionSignature(signature: string): { name: string; inputs: AbiType[] } | string {
  const m = /^([A-Za-z_$][A-Za-z0-9_$]*)\((.*)\)$/.exec(signature.replace(/\s+/g, ''));
  if (!m) return 'must look like name(type1,type2), e.g. transfer(address,uint256)';
  const inner = m[2] as string;
  const parts = inner === '' ? [] : splitTopLevel(inner);
  if (!parts) return 'has unbalanced parentheses';
  const inputs: AbiType[] = [];
  for (const part of parts) {
    const type = parseAbiType(part);
    if (!type) return `has an unknown parameter type "${part}"`;
    inputs.push(type);
  }
  return { name: m[1] as string, inputs };
}

const INTEGER_TEXT = /^-?(0|[1-9]\d*)$|^0x[0-9a-fA-F]+$/;

function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return BigInt(value);
  return undefined;
}

function checkElementary(name: string, value: unknown): string | undefined {
  if (name === 'address') return typeof value === 'string' ? checkEvmAddress(value) : 'must be an address string';
  if (name === 'bool') return typeof value === 'boolean' ? undefined : 'must be true or false';
  if (name === 'string') return typeof value === 'string' ? undefined : 'must be a string';
  if (name === 'bytes') {
    return typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value) ? undefined : 'must be 0x-hex bytes';
  }
  const fixed = /^bytes(\d+)$/.exec(name);
  if (fixed) {
    const n = Number(fixed[1]);
    return typeof value === 'string' && new RegExp(`^0x[0-9a-fA-F]{${2 * n}}$`).test(value)
      ? undefined
      : `must be 0x-hex of exactly ${n} bytes`;
  }
  const int = /^(u?)int(\d+)$/.exec(name);
  if (int) {
    const bits = BigInt(int[2] as string);
    const n = toBigInt(value);
    if (n === undefined) return 'must be an integer (decimal string, 0x-hex string or safe number)';
    const [min, max] = int[1] === 'u' ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
    return n < min || n > max ? `must fit in ${name}` : undefined;
  }
  return `unsupported type ${name}`;
}

/** Checks `value` against an ABI type; returns "path: message" of the first mismatch. */
export function checkAbiValue(type: AbiType, value: unknown, path: string): string | undefined {
  if (type.kind === 'elementary') {
    const problem = checkElementary(type.name, value);
    return problem && `${path} ${problem}`;
  }
  if (type.kind === 'array') {
    if (!Array.isArray(value)) return `${path} must be an array`;
    if (type.length !== undefined && value.length !== type.length) return `${path} must have ${type.length} items`;
    for (let i = 0; i < value.length; i++) {
      const problem = checkAbiValue(type.of, value[i], `${path}.${i}`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== type.components.length) {
    return `${path} must be an array of ${type.components.length} tuple fields`;
  }
  for (let i = 0; i < type.components.length; i++) {
    const problem = checkAbiValue(type.components[i] as AbiType, value[i], `${path}.${i}`);
    if (problem) return problem;
  }
  return undefined;
}

/** Solana/NEAR: `ft_transfer(receiver_id,amount)`: an operation name and parameter names. */
export function parseNamedSignature(signature: string): { name: string; params: string[] } | string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\(([^()]*)\)$/.exec(signature.replace(/\s+/g, ''));
  if (!m) return 'must look like method(param1,param2), e.g. ft_transfer(receiver_id,amount)';
  const params = m[2] === '' ? [] : (m[2] as string).split(',');
  if (params.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) return 'has a parameter name that is not an identifier';
  return { name: m[1] as string, params };
}

// ---------- EIP-712 ----------

const DOMAIN_FIELDS: Record<string, string> = {
  name: 'string',
  version: 'string',
  chainId: 'uint256',
  verifyingContract: 'address',
  salt: 'bytes32',
};

type TypedFields = Array<{ name: string; type: string }>;

/**
 * Parses an EIP-712 typed-data JSON string and checks its structure (types, primaryType, domain,
 * message) and every message and domain value against its declared type.
 */
export function checkTypedData(text: string): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'must be a JSON string';
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'must be a JSON object';
  const { types, primaryType, domain, message, ...rest } = data as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) return `has unknown field "${extra[0]}"`;
  if (types === null || typeof types !== 'object' || Array.isArray(types)) return 'types must be an object';
  const typeMap = types as Record<string, unknown>;
  for (const [typeName, fields] of Object.entries(typeMap)) {
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(typeName)) return `types.${typeName} is not a valid type name`;
    if (!Array.isArray(fields)) return `types.${typeName} must be an array of { name, type }`;
    const seen = new Set<string>();
    for (const field of fields) {
      if (
        field === null ||
        typeof field !== 'object' ||
        typeof field.name !== 'string' ||
        typeof field.type !== 'string' ||
        Object.keys(field).length !== 2
      ) {
        return `types.${typeName} entries must be exactly { name, type }`;
      }
      if (seen.has(field.name)) return `types.${typeName} declares "${field.name}" twice`;
      seen.add(field.name);
      const base = field.type.replace(/(\[\d*\])+$/, '');
      if (!(base in typeMap) && !parseAbiType(base))
        return `types.${typeName}.${field.name} has unknown type "${field.type}"`;
    }
  }
  if (typeof primaryType !== 'string' || !(primaryType in typeMap) || primaryType === 'EIP712Domain') {
    return 'primaryType must name a struct declared in types (other than EIP712Domain)';
  }
  if (domain === null || typeof domain !== 'object' || Array.isArray(domain)) return 'domain must be an object';
  const domainTypes =
    (typeMap.EIP712Domain as TypedFields | undefined) ??
    Object.keys(domain).map((name) => ({ name, type: DOMAIN_FIELDS[name] ?? '' }));
  for (const f of domainTypes) {
    if (DOMAIN_FIELDS[f.name] === undefined) return `domain has unknown field "${f.name}"`;
  }
  const domainProblem = checkStruct(typeMap, domainTypes, domain as Record<string, unknown>, 'domain', 0);
  if (domainProblem) return domainProblem;
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return 'message must be an object';
  return checkStruct(typeMap, typeMap[primaryType] as TypedFields, message as Record<string, unknown>, 'message', 0);
}

function checkStruct(
  typeMap: Record<string, unknown>,
  fields: TypedFields,
  value: Record<string, unknown>,
  path: string,
  depth: number,
): string | undefined {
  if (depth > 16) return `${path} nests too deeply`;
  const declared = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(value)) if (!declared.has(key)) return `${path}.${key} is not declared in its type`;
  for (const f of fields) {
    if (!(f.name in value)) return `${path}.${f.name} is missing`;
    const problem = checkTypedValue(typeMap, f.type, value[f.name], `${path}.${f.name}`, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function checkTypedValue(
  typeMap: Record<string, unknown>,
  type: string,
  value: unknown,
  path: string,
  depth: number,
): string | undefined {
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return `${path} must be an array`;
    if (array[2] !== '' && value.length !== Number(array[2])) return `${path} must have ${array[2]} items`;
    for (let i = 0; i < value.length; i++) {
      const problem = checkTypedValue(typeMap, array[1] as string, value[i], `${path}.${i}`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (type in typeMap) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${path} must be an object`;
    return checkStruct(typeMap, typeMap[type] as TypedFields, value as Record<string, unknown>, path, depth + 1);
  }
  const parsed = parseAbiType(type);
  if (parsed?.kind !== 'elementary') return `${path} has unsupported type ${type}`;
  const problem = checkElementary(parsed.name, value);
  return problem && `${path} ${problem}`;
}

// ---------- raw transactions ----------

export function checkBase64(value: string, maxBytes: number): string | undefined {
  try {
    const bytes = base64.decode(value);
    if (bytes.length === 0) return 'must not be empty';
    return bytes.length > maxBytes ? `must decode to at most ${maxBytes} bytes` : undefined;
  } catch {
    return 'must be standard base64';
  }
}

/** An unsigned EVM transaction: 0x-hex of an EIP-2718 typed envelope (0x01, 0x02, 0x04) or a legacy RLP list. */
export function checkEvmRawTransaction(value: string): string | undefined {
  if (!/^0x([0-9a-fA-F]{2})+$/.test(value)) return 'must be 0x-hex bytes for an EVM chain';
  const first = Number.parseInt(value.slice(2, 4), 16);
  if ([1, 2, 4].includes(first) || first >= 0xc0) return undefined;
  return 'must be an EIP-2718 typed transaction (0x01, 0x02, 0x04) or a legacy RLP list';
}
