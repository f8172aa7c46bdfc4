/** The adapter for a chain, by its family. */
import type { HttpOptions } from '../http-client.js';
import type { ChainConfig } from '../registry.js';
import { createBitcoinAdapter } from './bitcoin.js';
import { createEvmAdapter } from './evm.js';
import { createNearAdapter } from './near.js';
import { createSolanaAdapter } from './solana.js';
import type { ChainAdapter } from './types.js';

export function createAdapter(chain: ChainConfig, http: HttpOptions = {}): ChainAdapter {
  switch (chain.family) {
    case 'evm':
      return createEvmAdapter(chain, http);
    case 'solana':
      return createSolanaAdapter(chain, http);
    case 'bitcoin':
      return createBitcoinAdapter(chain, http);
    case 'near':
      return createNearAdapter(chain, http);
  }
}
