/**
 * The chain registry: which blockchains this relay serves, their RPC endpoints, native assets and
 * known tokens. Built-in defaults (public endpoints; local ones for development) are overridden by a
 * JSON file (`TANDEM_CHAINS_FILE`) and by per-chain env variables (`TANDEM_RPC_<ID>`, with `-` as `_`,
 * e.g. `TANDEM_RPC_ETH_SEPOLIA`). Everything is validated at start-up; a bad entry stops the relay
 * with a message naming it rather than failing on the first transfer.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export type ChainFamily = 'evm' | 'bitcoin' | 'solana' | 'near';

const TokenSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1–64 chars: letters, digits, . _ : -'),
    symbol: z.string().regex(/^[A-Za-z0-9.$_-]{1,16}$/, 'must be 1–16 chars'),
    decimals: z.number().int().min(0).max(36),
    address: z.string().min(1).max(128),
    standard: z.enum(['erc20', 'spl', 'nep141']),
  })
  .strict();

const ChainSchema = z
  .object({
    id: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'must be upper-case letters, digits and "-" (e.g. ETH-SEPOLIA)'),
    family: z.enum(['evm', 'bitcoin', 'solana', 'near']),
    name: z.string().min(1).max(64),
    testnet: z.boolean(),
    rpcUrl: z.string().url(),
    nativeSymbol: z.string().min(1).max(16),
    nativeDecimals: z.number().int().min(0).max(36),
    evmChainId: z.number().int().positive().optional(),
    bitcoinNetwork: z.enum(['mainnet', 'testnet', 'regtest']).optional(),
    /** Blocks on top of the including block before a transaction counts as confirmed (1 = included). */
    confirmations: z.number().int().min(1).max(100).default(1),
    explorerTxUrl: z.string().url().optional(),
    tokens: z.array(TokenSchema).max(100).default([]),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.family === 'evm' && c.evmChainId === undefined)
      ctx.addIssue({ code: 'custom', path: ['evmChainId'], message: 'is required for evm chains' });
    if (c.family === 'bitcoin' && c.bitcoinNetwork === undefined)
      ctx.addIssue({ code: 'custom', path: ['bitcoinNetwork'], message: 'is required for bitcoin chains' });
    const url = new URL(c.rpcUrl);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      ctx.addIssue({ code: 'custom', path: ['rpcUrl'], message: 'must be https (plain http only on loopback)' });
    }
    if (url.username || url.password)
      ctx.addIssue({
        code: 'custom',
        path: ['rpcUrl'],
        message: 'must not embed credentials; use a provider URL with a key path instead',
      });
    const expected = { evm: 'erc20', solana: 'spl', near: 'nep141', bitcoin: undefined }[c.family];
    c.tokens.forEach((t, i) => {
      if (t.standard !== expected)
        ctx.addIssue({
          code: 'custom',
          path: ['tokens', i, 'standard'],
          message: `must be ${expected ?? 'absent (bitcoin has no tokens)'} on ${c.family}`,
        });
    });
  });

export type ChainConfig = z.infer<typeof ChainSchema>;
export type TokenConfig = z.infer<typeof TokenSchema>;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

type ChainInput = z.input<typeof ChainSchema>;

export const BUILT_IN_CHAINS: ChainInput[] = [
  {
    id: 'ETH',
    family: 'evm',
    name: 'Ethereum',
    testnet: false,
    rpcUrl: 'https://ethereum-rpc.publicnode.com',
    nativeSymbol: 'ETH',
    nativeDecimals: 18,
    evmChainId: 1,
    confirmations: 3,
    explorerTxUrl: 'https://etherscan.io/tx/{hash}',
    tokens: [
      {
        id: 'ETH:USDC',
        symbol: 'USDC',
        decimals: 6,
        address: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
        standard: 'erc20',
      },
    ],
  },
  {
    id: 'ETH-SEPOLIA',
    family: 'evm',
    name: 'Ethereum Sepolia',
    testnet: true,
    rpcUrl: 'https://ethereum-sepolia-rpc.publicnode.com',
    nativeSymbol: 'ETH',
    nativeDecimals: 18,
    evmChainId: 11155111,
    confirmations: 2,
    explorerTxUrl: 'https://sepolia.etherscan.io/tx/{hash}',
    tokens: [
      {
        id: 'ETH-SEPOLIA:USDC',
        symbol: 'USDC',
        decimals: 6,
        address: '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238',
        standard: 'erc20',
      },
    ],
  },
  {
    id: 'BASE',
    family: 'evm',
    name: 'Base',
    testnet: false,
    rpcUrl: 'https://mainnet.base.org',
    nativeSymbol: 'ETH',
    nativeDecimals: 18,
    evmChainId: 8453,
    confirmations: 3,
    explorerTxUrl: 'https://basescan.org/tx/{hash}',
    tokens: [
      {
        id: 'BASE:USDC',
        symbol: 'USDC',
        decimals: 6,
        address: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
        standard: 'erc20',
      },
    ],
  },
  {
    id: 'BTC',
    family: 'bitcoin',
    name: 'Bitcoin',
    testnet: false,
    rpcUrl: 'https://blockstream.info/api',
    nativeSymbol: 'BTC',
    nativeDecimals: 8,
    bitcoinNetwork: 'mainnet',
    confirmations: 1,
    explorerTxUrl: 'https://mempool.space/tx/{hash}',
  },
  {
    id: 'BTC-TESTNET',
    family: 'bitcoin',
    name: 'Bitcoin Testnet',
    testnet: true,
    rpcUrl: 'https://blockstream.info/testnet/api',
    nativeSymbol: 'BTC',
    nativeDecimals: 8,
    bitcoinNetwork: 'testnet',
    confirmations: 1,
    explorerTxUrl: 'https://mempool.space/testnet/tx/{hash}',
  },
  {
    id: 'SOL',
    family: 'solana',
    name: 'Solana',
    testnet: false,
    rpcUrl: 'https://api.mainnet-beta.solana.com',
    nativeSymbol: 'SOL',
    nativeDecimals: 9,
    confirmations: 1,
    explorerTxUrl: 'https://explorer.solana.com/tx/{hash}',
    tokens: [
      {
        id: 'SOL:USDC',
        symbol: 'USDC',
        decimals: 6,
        address: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
        standard: 'spl',
      },
    ],
  },
  {
    id: 'SOL-DEVNET',
    family: 'solana',
    name: 'Solana Devnet',
    testnet: true,
    rpcUrl: 'https://api.devnet.solana.com',
    nativeSymbol: 'SOL',
    nativeDecimals: 9,
    confirmations: 1,
    explorerTxUrl: 'https://explorer.solana.com/tx/{hash}?cluster=devnet',
  },
  {
    id: 'NEAR',
    family: 'near',
    name: 'NEAR',
    testnet: false,
    rpcUrl: 'https://rpc.mainnet.near.org',
    nativeSymbol: 'NEAR',
    nativeDecimals: 24,
    confirmations: 1,
    explorerTxUrl: 'https://nearblocks.io/txns/{hash}',
    tokens: [
      {
        id: 'NEAR:USDC',
        symbol: 'USDC',
        decimals: 6,
        address: '17208628f84f5d6ad33f0da3bbbeb27ffcb398eac501a31bd6ad2011e36133a1',
        standard: 'nep141',
      },
    ],
  },
  {
    id: 'NEAR-TESTNET',
    family: 'near',
    name: 'NEAR Testnet',
    testnet: true,
    rpcUrl: 'https://rpc.testnet.near.org',
    nativeSymbol: 'NEAR',
    nativeDecimals: 24,
    confirmations: 1,
    explorerTxUrl: 'https://testnet.nearblocks.io/txns/{hash}',
  },
  {
    id: 'EVM-LOCAL',
    family: 'evm',
    name: 'Local EVM (anvil)',
    testnet: true,
    rpcUrl: 'http://127.0.0.1:8545',
    nativeSymbol: 'ETH',
    nativeDecimals: 18,
    evmChainId: 31337,
    confirmations: 1,
  },
  {
    id: 'SOL-LOCAL',
    family: 'solana',
    name: 'Local Solana',
    testnet: true,
    rpcUrl: 'http://127.0.0.1:8899',
    nativeSymbol: 'SOL',
    nativeDecimals: 9,
    confirmations: 1,
  },
  {
    id: 'BASE-SEPOLIA',
    family: 'evm',
    name: 'Base Sepolia',
    testnet: true,
    rpcUrl: 'https://sepolia.base.org',
    nativeSymbol: 'ETH',
    nativeDecimals: 18,
    evmChainId: 84532,
    confirmations: 2,
    explorerTxUrl: 'https://sepolia.basescan.org/tx/{hash}',
  },
  {
    id: 'BTC-SIGNET',
    family: 'bitcoin',
    name: 'Bitcoin Signet',
    testnet: true,
    rpcUrl: 'https://mempool.space/signet/api',
    nativeSymbol: 'BTC',
    nativeDecimals: 8,
    bitcoinNetwork: 'testnet',
    confirmations: 1,
    explorerTxUrl: 'https://mempool.space/signet/tx/{hash}',
  },
  {
    id: 'SOL-TESTNET',
    family: 'solana',
    name: 'Solana Testnet',
    testnet: true,
    rpcUrl: 'https://api.testnet.solana.com',
    nativeSymbol: 'SOL',
    nativeDecimals: 9,
    confirmations: 1,
    explorerTxUrl: 'https://explorer.solana.com/tx/{hash}?cluster=testnet',
  },
  {
    id: 'BTC-REGTEST',
    family: 'bitcoin',
    name: 'Local Bitcoin (regtest Esplora)',
    testnet: true,
    rpcUrl: 'http://127.0.0.1:3002',
    nativeSymbol: 'BTC',
    nativeDecimals: 8,
    bitcoinNetwork: 'regtest',
    confirmations: 1,
  },
  {
    id: 'NEAR-LOCAL',
    family: 'near',
    name: 'Local NEAR (sandbox)',
    testnet: true,
    rpcUrl: 'http://127.0.0.1:3030',
    nativeSymbol: 'NEAR',
    nativeDecimals: 24,
    confirmations: 1,
  },
];

export class ChainConfigError extends Error {
  override readonly name = 'ChainConfigError';
}

export interface ChainRegistry {
  /** Enabled chains, in a stable order. */
  list(): ChainConfig[];
  get(id: string): ChainConfig | undefined;
  /** Token by registry id (e.g. "ETH:USDC") or by contract/mint/account on that chain. */
  findToken(chainId: string, idOrAddress: string): TokenConfig | undefined;
}

function formatIssues(where: string, error: z.ZodError): string {
  return error.issues.map((i) => `${where}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; ');
}

/**
 * Builds the registry from built-ins, then `file` entries (merged by id over a built-in, or new
 * complete entries), then `TANDEM_RPC_<ID>` overrides. Throws ChainConfigError naming the bad entry.
 */
export function createChainRegistry(options: { file?: unknown; env?: NodeJS.ProcessEnv } = {}): ChainRegistry {
  const byId = new Map<string, ChainInput>(BUILT_IN_CHAINS.map((c) => [c.id, { ...c }]));
  if (options.file !== undefined) {
    const file = options.file as { chains?: unknown };
    if (file === null || typeof file !== 'object' || !Array.isArray(file.chains)) {
      throw new ChainConfigError('chains file: expected {"chains": [ … ]}');
    }
    const seen = new Set<string>();
    file.chains.forEach((entry: unknown, i: number) => {
      const id = (entry as { id?: unknown })?.id;
      if (typeof id !== 'string') throw new ChainConfigError(`chains file: chains.${i}.id: must be a string`);
      if (seen.has(id)) throw new ChainConfigError(`chains file: chains.${i}.id: duplicate chain id ${id}`);
      seen.add(id);
      byId.set(id, { ...(byId.get(id) ?? {}), ...(entry as object) } as ChainInput);
    });
  }
  for (const [key, value] of Object.entries(options.env ?? {})) {
    const m = /^TANDEM_RPC_([A-Z0-9_]+)$/.exec(key);
    if (!m || !value) continue;
    const id = (m[1] as string).replaceAll('_', '-');
    const base = byId.get(id);
    if (!base)
      throw new ChainConfigError(`${key}: no chain ${id} in the registry (add it to TANDEM_CHAINS_FILE first)`);
    byId.set(id, { ...base, rpcUrl: value });
  }
  const chains: ChainConfig[] = [];
  for (const [id, input] of byId) {
    const parsed = ChainSchema.safeParse(input);
    if (!parsed.success) throw new ChainConfigError(`chain ${id}: ${formatIssues(id, parsed.error)}`);
    const tokenIds = new Set<string>();
    for (const t of parsed.data.tokens) {
      if (tokenIds.has(t.id)) throw new ChainConfigError(`chain ${id}: duplicate token id ${t.id}`);
      tokenIds.add(t.id);
    }
    if (parsed.data.enabled) chains.push(parsed.data);
  }
  const map = new Map(chains.map((c) => [c.id, c]));
  return {
    list: () => [...chains],
    get: (id) => map.get(id),
    findToken(chainId, idOrAddress) {
      const chain = map.get(chainId);
      if (!chain) return undefined;
      const needle = idOrAddress.toLowerCase();
      return chain.tokens.find(
        (t) =>
          t.id === idOrAddress ||
          t.address === idOrAddress ||
          (chain.family === 'evm' && t.address.toLowerCase() === needle),
      );
    },
  };
}

/** Reads TANDEM_CHAINS_FILE (when set) and the TANDEM_RPC_* variables. */
export function loadChainRegistry(env: NodeJS.ProcessEnv = process.env): ChainRegistry {
  let file: unknown;
  if (env.TANDEM_CHAINS_FILE) {
    try {
      file = JSON.parse(readFileSync(env.TANDEM_CHAINS_FILE, 'utf8'));
    } catch (error) {
      throw new ChainConfigError(`TANDEM_CHAINS_FILE (${env.TANDEM_CHAINS_FILE}): ${(error as Error).message}`);
    }
  }
  return createChainRegistry({ file, env });
}
