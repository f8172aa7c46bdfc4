/**
 * Turns an API/challenge payload (Planbok fields: destinationAddress, tokenId/tokenAddress, amounts,
 * contractAddress, abiFunctionSignature, abiParameters, amount) into a validated intent for one
 * wallet's chain: addresses checked for that chain, amounts converted to base units with the right
 * decimals. Every refusal names the field.
 */
import { parseUnits } from '../../protocol/chains/amounts.js';
import { bitcoinOutputScript } from '../../protocol/chains/bitcoin/address.js';
import { parseAbiFunctionSignature } from '../../protocol/chains/evm/abi.js';
import { parseEvmAddress } from '../../protocol/chains/evm/address.js';
import { parseNearAccountId } from '../../protocol/chains/near/transaction.js';
import { parseSolanaAddress } from '../../protocol/chains/solana/address.js';
import { ApiError } from '../http/api-error.js';
import type { AssetRef, ChainAdapter, TransactionIntent } from './adapters/types.js';
import type { ChainRegistry } from './registry.js';

export interface TransferPayload {
  destinationAddress: string;
  tokenId?: string | undefined;
  tokenAddress?: string | undefined;
  amounts: string[];
}

export interface ContractPayload {
  contractAddress: string;
  abiFunctionSignature: string;
  abiParameters?: unknown[] | undefined;
  amount?: string | undefined;
}

export interface ResolvedIntent {
  intent: TransactionIntent;
  /** What is stored and shown: the destination (token recipient), the display amount and symbol. */
  destinationAddress: string;
  amount: string;
  symbol: string;
  token: (AssetRef & { id: string | undefined }) | undefined;
}

function bad(path: string, message: string): ApiError {
  return new ApiError(400, 'validation_error', `${path} ${message}`, [{ path, message }]);
}

/** Normalises an address for the adapter's chain, or refuses naming `field`. */
export function checkAddress(adapter: ChainAdapter, address: string, field: string): string {
  const chain = adapter.chain;
  try {
    switch (chain.family) {
      case 'evm':
        return parseEvmAddress(address, field);
      case 'bitcoin':
        bitcoinOutputScript(address, chain.bitcoinNetwork as 'mainnet', field);
        return address;
      case 'solana':
        parseSolanaAddress(address, field);
        return address;
      case 'near':
        return parseNearAccountId(address, field);
    }
  } catch (error) {
    throw bad(field, `is not a valid ${chain.id} address: ${(error as Error).message}`);
  }
}

function toBaseUnits(amount: string, decimals: number, field: string): bigint {
  let value: bigint;
  try {
    value = parseUnits(amount, decimals, field);
  } catch (error) {
    throw bad(field, (error as Error).message.replace(/^invalid argument "[^"]*": /, ''));
  }
  return value;
}

export async function resolveTransfer(
  registry: ChainRegistry,
  adapter: ChainAdapter,
  p: TransferPayload,
): Promise<ResolvedIntent> {
  const chain = adapter.chain;
  const to = checkAddress(adapter, p.destinationAddress, 'destinationAddress');
  let token: ResolvedIntent['token'];
  if (p.tokenId !== undefined) {
    const t = registry.findToken(chain.id, p.tokenId);
    if (!t) throw bad('tokenId', `is not a token of ${chain.id} (see GET /v2/config/chains)`);
    token = { id: t.id, address: t.address, symbol: t.symbol, decimals: t.decimals };
  } else if (p.tokenAddress !== undefined) {
    const address = checkAddress(adapter, p.tokenAddress, 'tokenAddress');
    const known = registry.findToken(chain.id, address);
    token = known
      ? { id: known.id, address: known.address, symbol: known.symbol, decimals: known.decimals }
      : { id: undefined, ...(await adapter.tokenInfo(address)) };
  }
  const amountText = p.amounts[0];
  if (p.amounts.length !== 1 || amountText === undefined) throw bad('amounts', 'must hold exactly one amount');
  const decimals = token?.decimals ?? chain.nativeDecimals;
  const amount = toBaseUnits(amountText, decimals, 'amounts.0');
  if (amount === 0n) throw bad('amounts.0', 'must be greater than zero');
  return {
    intent: { kind: 'transfer', to, amount, token },
    destinationAddress: to,
    amount: amountText,
    symbol: token?.symbol ?? chain.nativeSymbol,
    token,
  };
}

export function resolveContractCall(adapter: ChainAdapter, p: ContractPayload): ResolvedIntent {
  const chain = adapter.chain;
  const contract = checkAddress(adapter, p.contractAddress, 'contractAddress');
  if (chain.family === 'evm') {
    try {
      parseAbiFunctionSignature(p.abiFunctionSignature);
    } catch (error) {
      throw bad('abiFunctionSignature', (error as Error).message.replace(/^invalid argument "[^"]*": /, ''));
    }
  }
  const value = p.amount === undefined ? 0n : toBaseUnits(p.amount, chain.nativeDecimals, 'amount');
  return {
    intent: {
      kind: 'contract-execution',
      contract,
      abiFunctionSignature: p.abiFunctionSignature,
      abiParameters: p.abiParameters ?? [],
      value,
    },
    destinationAddress: contract,
    amount: p.amount ?? '0',
    symbol: chain.nativeSymbol,
    token: undefined,
  };
}
