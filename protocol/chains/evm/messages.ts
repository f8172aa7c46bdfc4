/**
 * Off-chain signing digests for EVM: EIP-191 version 0x45 (`personal_sign`) and EIP-712 typed data.
 * Both end in keccak256, signed by ECDSA under the wallet's key; the 65-byte r ‖ s ‖ v (v = 27 + y)
 * is what dApps and ecrecover expect.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError } from '../../errors.js';
import type { ChainSignature } from '../types.js';
import { type AbiType, type AbiValue, encodeAbiParameters, parseAbiType } from './abi.js';
import { parseEvmAddress } from './address.js';
import { describe, from0x, to0x } from './hex.js';

/** keccak256("\x19Ethereum Signed Message:\n" ‖ len(message) ‖ message) (EIP-191, version E). */
export function personalSignDigest(message: Uint8Array): Uint8Array {
  return keccak_256(concatBytes(utf8ToBytes(`\x19Ethereum Signed Message:\n${message.length}`), message));
}

/** A message as the API receives it: 0x-hex is raw bytes, anything else is UTF-8 text. */
export function evmMessageBytes(message: string): Uint8Array {
  return /^0x(?:[0-9a-fA-F]{2})*$/.test(message) ? from0x(message, 'message') : utf8ToBytes(message);
}

/** 65-byte r ‖ s ‖ v signature with v = 27 + recovery, as personal_sign/eth_signTypedData return. */
export function evmSignatureHex(signature: ChainSignature): `0x${string}` {
  if (signature.scheme !== 'ecdsa-secp256k1')
    throw new InvalidArgumentError('signature.scheme', '"ecdsa-secp256k1"', signature.scheme);
  const r = from0x(signature.r.startsWith('0x') ? signature.r : `0x${signature.r}`, 'signature.r', 32);
  const s = from0x(signature.s.startsWith('0x') ? signature.s : `0x${signature.s}`, 'signature.s', 32);
  return to0x(concatBytes(r, s, Uint8Array.of(27 + signature.recovery)));
}

export interface TypedDataField {
  name: string;
  type: string;
}

export interface TypedData {
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  domain: Record<string, unknown>;
  message: Record<string, unknown>;
}

const DOMAIN_FIELDS: TypedDataField[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
  { name: 'salt', type: 'bytes32' },
];
const MAX_DEPTH = 16;

/** keccak256(0x19 0x01 ‖ hashStruct(EIP712Domain, domain) ‖ hashStruct(primaryType, message)) (EIP-712). */
export function typedDataDigest(typedData: TypedData): Uint8Array {
  if (typedData === null || typeof typedData !== 'object')
    throw new InvalidArgumentError('typedData', 'an object', typeof typedData);
  const { primaryType, message } = typedData;
  const domain = typedData.domain ?? {};
  if (typeof primaryType !== 'string')
    throw new InvalidArgumentError('typedData.primaryType', 'a string', describe(primaryType));
  const types: Record<string, TypedDataField[]> = { ...typedData.types };
  // Like viem and MetaMask: when EIP712Domain is not declared, it is the present standard fields.
  types.EIP712Domain ??= DOMAIN_FIELDS.filter((f) => domain[f.name] !== undefined);
  for (const [name, fields] of Object.entries(types)) {
    if (!Array.isArray(fields))
      throw new InvalidArgumentError(`typedData.types.${name}`, 'an array of {name, type}', describe(fields));
  }
  const domainHash = hashStruct('EIP712Domain', domain, types, 0);
  const parts = [Uint8Array.of(0x19, 0x01), domainHash];
  if (primaryType !== 'EIP712Domain') {
    if (message === null || typeof message !== 'object')
      throw new InvalidArgumentError('typedData.message', 'an object', typeof message);
    parts.push(hashStruct(primaryType, message, types, 0));
  }
  return keccak_256(concatBytes(...parts));
}

function baseTypeName(type: string): string {
  const i = type.indexOf('[');
  return i === -1 ? type : type.slice(0, i);
}

function dependencies(
  primary: string,
  types: Record<string, TypedDataField[]>,
  found = new Set<string>(),
): Set<string> {
  const name = baseTypeName(primary);
  if (found.has(name) || types[name] === undefined) return found;
  found.add(name);
  for (const field of types[name]) dependencies(field.type, types, found);
  return found;
}

/** encodeType: the primary type, then its dependencies sorted by name, as "Name(type name,…)". */
export function encodeTypedDataType(primary: string, types: Record<string, TypedDataField[]>): string {
  const deps = [...dependencies(primary, types)].filter((d) => d !== primary).sort();
  return [primary, ...deps]
    .map((t) => `${t}(${(types[t] ?? []).map((f) => `${f.type} ${f.name}`).join(',')})`)
    .join('');
}

function hashStruct(type: string, data: unknown, types: Record<string, TypedDataField[]>, depth: number): Uint8Array {
  const fields = types[type];
  if (fields === undefined) throw new InvalidArgumentError('typedData.types', `a definition of "${type}"`, 'none');
  if (data === null || typeof data !== 'object')
    throw new InvalidArgumentError(`typedData.${type}`, 'an object', typeof data);
  const record = data as Record<string, unknown>;
  const typeHash = keccak_256(utf8ToBytes(encodeTypedDataType(type, types)));
  const encoded = fields.map((f) => encodeField(f.type, record[f.name], types, `${type}.${f.name}`, depth));
  return keccak_256(concatBytes(typeHash, ...encoded));
}

function encodeField(
  type: string,
  value: unknown,
  types: Record<string, TypedDataField[]>,
  field: string,
  depth: number,
): Uint8Array {
  if (depth > MAX_DEPTH) throw new InvalidArgumentError('typedData', `structs nested at most ${MAX_DEPTH} deep`);
  if (value === undefined || value === null)
    throw new InvalidArgumentError(`typedData.${field}`, `a value of type ${type}`, String(value));
  if (types[type] !== undefined) return hashStruct(type, value, types, depth + 1);
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    if (!Array.isArray(value))
      throw new InvalidArgumentError(`typedData.${field}`, `an array for ${type}`, describe(value));
    if (array[2] !== '' && value.length !== Number(array[2])) {
      throw new InvalidArgumentError(`typedData.${field}`, `${array[2]} items`, `${value.length}`);
    }
    return keccak_256(
      concatBytes(...value.map((v, i) => encodeField(array[1] as string, v, types, `${field}.${i}`, depth + 1))),
    );
  }
  if (type === 'string') {
    if (typeof value !== 'string') throw new InvalidArgumentError(`typedData.${field}`, 'a string', describe(value));
    return keccak_256(utf8ToBytes(value));
  }
  if (type === 'bytes') return keccak_256(from0x(value, `typedData.${field}`));
  const abiType: AbiType = parseAbiType(type);
  if (abiType.kind === 'tuple' || abiType.kind === 'array')
    throw new InvalidArgumentError(`typedData.${field}`, 'a declared struct type', type);
  let v: AbiValue;
  if (typeof value === 'bigint') v = value.toString();
  else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') v = value;
  else throw new InvalidArgumentError(`typedData.${field}`, `a ${type}`, describe(value));
  if (abiType.kind === 'address') v = parseEvmAddress(v, `typedData.${field}`);
  return encodeAbiParameters([abiType], [v], `typedData.${field}`);
}
