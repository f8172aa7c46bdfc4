/** Bitcoin network parameters (bech32 HRP, base58 versions) for mainnet, testnet/signet and regtest. */
import { NETWORK, TEST_NETWORK } from '@scure/btc-signer';
import { InvalidArgumentError } from '../../errors.js';

export type BitcoinNetworkName = 'mainnet' | 'testnet' | 'regtest';
export type BitcoinNetworkParams = typeof NETWORK;

const REGTEST: BitcoinNetworkParams = { ...TEST_NETWORK, bech32: 'bcrt' };

export function bitcoinNetwork(name: BitcoinNetworkName): BitcoinNetworkParams {
  if (name === 'mainnet') return NETWORK;
  if (name === 'testnet') return TEST_NETWORK;
  if (name === 'regtest') return REGTEST;
  throw new InvalidArgumentError('network', '"mainnet", "testnet" or "regtest"', String(name));
}
