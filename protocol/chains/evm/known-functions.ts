/**
 * Calldata → a function and its arguments, for showing a contract call. A few standard functions
 * (ERC-20, ERC-721, ERC-1155, WETH) are recognised by selector alone and carry parameter names and
 * what they grant; any other call is decoded only with a signature the caller vouches for (the
 * approved `abiFunctionSignature`). Never throws: calldata that does not decode is reported as such,
 * with the reason, so it can be shown raw.
 */
import { type AbiFunction, type AbiValue, decodeFunctionCall, parseAbiFunctionSignature } from './abi.js';

export interface KnownEvmFunction {
  /** With parameter names, e.g. "approve(address spender,uint256 amount)". */
  signature: string;
  /** Plain words: "Approve token spending". */
  title: string;
  /**
   * What signing it hands to someone else: an `allowance` lets the named spender move tokens later
   * without asking; `operator` lets it move every NFT of the collection.
   */
  grants?: 'allowance' | 'operator';
}

export const KNOWN_EVM_FUNCTIONS: readonly KnownEvmFunction[] = [
  { signature: 'transfer(address to,uint256 amount)', title: 'Token transfer (ERC-20)' },
  { signature: 'approve(address spender,uint256 amount)', title: 'Approve token spending', grants: 'allowance' },
  { signature: 'transferFrom(address from,address to,uint256 amount)', title: 'Token transfer from an account' },
  {
    signature: 'increaseAllowance(address spender,uint256 addedValue)',
    title: 'Increase token spending allowance',
    grants: 'allowance',
  },
  { signature: 'decreaseAllowance(address spender,uint256 subtractedValue)', title: 'Decrease token allowance' },
  {
    signature: 'permit(address owner,address spender,uint256 value,uint256 deadline,uint8 v,bytes32 r,bytes32 s)',
    title: 'Submit a signed token permit (EIP-2612)',
    grants: 'allowance',
  },
  {
    signature: 'setApprovalForAll(address operator,bool approved)',
    title: 'Let an operator move all your NFTs of this collection',
    grants: 'operator',
  },
  { signature: 'safeTransferFrom(address from,address to,uint256 tokenId)', title: 'NFT transfer (ERC-721)' },
  {
    signature: 'safeTransferFrom(address from,address to,uint256 tokenId,bytes data)',
    title: 'NFT transfer with data (ERC-721)',
  },
  {
    signature: 'safeTransferFrom(address from,address to,uint256 id,uint256 amount,bytes data)',
    title: 'Token transfer (ERC-1155)',
  },
  { signature: 'deposit()', title: 'Wrap the native coin (WETH deposit)' },
  { signature: 'withdraw(uint256 amount)', title: 'Unwrap to the native coin (WETH withdraw)' },
];

const BY_SELECTOR = new Map(
  KNOWN_EVM_FUNCTIONS.map((k) => [parseAbiFunctionSignature(k.signature).selector, k] as const),
);

export type DecodedEvmCall =
  /** No calldata: a plain value transfer. */
  | { kind: 'none' }
  | { kind: 'decoded'; function: AbiFunction; values: AbiValue[]; known: KnownEvmFunction | undefined }
  /** A selector we know nothing about and no signature to decode it with. */
  | { kind: 'unknown'; selector: string; data: string }
  /** Data that is not what the signature (or the standard function with that selector) says. */
  | { kind: 'malformed'; selector: string; data: string; reason: string };

/**
 * Decodes `data` (0x-hex). With `signature` (e.g. the approved `abiFunctionSignature`), the call must
 * match it; a standard function with the same selector lends its parameter names.
 */
export function decodeEvmCall(data: string, signature?: string): DecodedEvmCall {
  if (typeof data !== 'string' || !/^0x(?:[0-9a-fA-F]{2})*$/.test(data)) {
    return { kind: 'malformed', selector: '', data: String(data), reason: 'the calldata is not 0x-hex bytes' };
  }
  if (data === '0x') return { kind: 'none' };
  const lower = data.toLowerCase();
  const selector = lower.slice(0, 10);
  if (lower.length < 10)
    return { kind: 'malformed', selector, data: lower, reason: 'calldata shorter than a selector' };
  const known = BY_SELECTOR.get(selector as `0x${string}`);
  const tryDecode = (sig: string): DecodedEvmCall => {
    try {
      const decoded = decodeFunctionCall(sig, lower);
      return { kind: 'decoded', function: decoded.function, values: decoded.values, known };
    } catch (error) {
      return { kind: 'malformed', selector, data: lower, reason: (error as Error).message };
    }
  };
  if (known) {
    const decoded = tryDecode(known.signature);
    if (signature === undefined || decoded.kind !== 'decoded') return decoded;
    // The approved signature must name the same function; keep its own names when it has them.
    const approved = tryDecode(signature);
    if (approved.kind !== 'decoded') return approved;
    const named = approved.function.inputs.every((i) => i.name !== undefined);
    return named ? approved : decoded;
  }
  if (signature !== undefined) return tryDecode(signature);
  return { kind: 'unknown', selector, data: lower };
}
