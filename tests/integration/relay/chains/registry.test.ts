/**
 * Chain registry configuration: built-ins, file and env overrides, and one named refusal per bad entry.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChainConfigError, createChainRegistry, loadChainRegistry } from '../../../../relay/chains/registry.js';

const REQUIRED = [
  'ETH',
  'ETH-SEPOLIA',
  'BASE',
  'BTC',
  'BTC-TESTNET',
  'SOL',
  'SOL-DEVNET',
  'NEAR',
  'NEAR-TESTNET',
  'EVM-LOCAL',
  'SOL-LOCAL',
];

describe('chain registry', () => {
  it('has every required chain built in', () => {
    const ids = createChainRegistry()
      .list()
      .map((c) => c.id);
    for (const id of REQUIRED) expect(ids).toContain(id);
  });

  it('TANDEM_RPC_<ID> overrides one chain (dashes as underscores)', () => {
    const registry = createChainRegistry({ env: { TANDEM_RPC_ETH_SEPOLIA: 'https://sepolia.example.org/v3/key' } });
    expect(registry.get('ETH-SEPOLIA')?.rpcUrl).toBe('https://sepolia.example.org/v3/key');
    expect(registry.get('ETH')?.rpcUrl).not.toContain('example.org');
  });

  it('a file merges over built-ins, adds chains and disables others', () => {
    const registry = createChainRegistry({
      file: {
        chains: [
          { id: 'ETH', confirmations: 12 },
          { id: 'BASE', enabled: false },
          {
            id: 'POLYGON-AMOY',
            family: 'evm',
            name: 'Polygon Amoy',
            testnet: true,
            rpcUrl: 'https://rpc-amoy.polygon.technology',
            nativeSymbol: 'POL',
            nativeDecimals: 18,
            evmChainId: 80002,
          },
        ],
      },
    });
    expect(registry.get('ETH')?.confirmations).toBe(12);
    expect(registry.get('BASE')).toBeUndefined();
    expect(registry.get('POLYGON-AMOY')?.family).toBe('evm');
  });

  it('loadChainRegistry reads TANDEM_CHAINS_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-chains-'));
    const file = join(dir, 'chains.json');
    writeFileSync(
      file,
      JSON.stringify({
        chains: [
          {
            id: 'EVM-LOCAL',
            tokens: [
              {
                id: 'EVM-LOCAL:TT',
                symbol: 'TT',
                decimals: 6,
                address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
                standard: 'erc20',
              },
            ],
          },
        ],
      }),
    );
    const registry = loadChainRegistry({ TANDEM_CHAINS_FILE: file });
    expect(registry.findToken('EVM-LOCAL', 'EVM-LOCAL:TT')?.decimals).toBe(6);
    expect(registry.findToken('EVM-LOCAL', '0x5fbdb2315678afecb367f032d93f642f64180aa3')?.symbol).toBe('TT');
  });

  const refusals: [string, unknown, RegExp][] = [
    [
      'an unknown family',
      {
        chains: [
          {
            id: 'DOGE',
            family: 'dogecoin',
            name: 'D',
            testnet: false,
            rpcUrl: 'https://x.example',
            nativeSymbol: 'DOGE',
            nativeDecimals: 8,
          },
        ],
      },
      /chain DOGE: DOGE.family/,
    ],
    [
      'plain http to a remote host',
      { chains: [{ id: 'ETH', rpcUrl: 'http://rpc.example.org' }] },
      /ETH.rpcUrl: must be https/,
    ],
    [
      'credentials in the RPC URL',
      { chains: [{ id: 'ETH', rpcUrl: 'https://user:pass@rpc.example.org' }] },
      /must not embed credentials/,
    ],
    [
      'an EVM chain without evmChainId',
      {
        chains: [
          {
            id: 'NEW-EVM',
            family: 'evm',
            name: 'N',
            testnet: true,
            rpcUrl: 'https://x.example',
            nativeSymbol: 'ETH',
            nativeDecimals: 18,
          },
        ],
      },
      /evmChainId: is required/,
    ],
    [
      'a Bitcoin chain without bitcoinNetwork',
      {
        chains: [
          {
            id: 'NEW-BTC',
            family: 'bitcoin',
            name: 'N',
            testnet: true,
            rpcUrl: 'https://x.example',
            nativeSymbol: 'BTC',
            nativeDecimals: 8,
          },
        ],
      },
      /bitcoinNetwork: is required/,
    ],
    [
      'a lower-case chain id',
      {
        chains: [
          {
            id: 'eth-local',
            family: 'evm',
            name: 'N',
            testnet: true,
            rpcUrl: 'https://x.example',
            nativeSymbol: 'ETH',
            nativeDecimals: 18,
            evmChainId: 5,
          },
        ],
      },
      /upper-case/,
    ],
    ['a duplicate chain id in the file', { chains: [{ id: 'ETH' }, { id: 'ETH' }] }, /duplicate chain id ETH/],
    [
      'a token of the wrong standard',
      {
        chains: [
          {
            id: 'SOL',
            tokens: [
              {
                id: 'SOL:X',
                symbol: 'X',
                decimals: 6,
                address: 'So11111111111111111111111111111111111111112',
                standard: 'erc20',
              },
            ],
          },
        ],
      },
      /must be spl on solana/,
    ],
    [
      'token decimals out of range',
      {
        chains: [
          {
            id: 'ETH',
            tokens: [
              {
                id: 'ETH:X',
                symbol: 'X',
                decimals: 77,
                address: '0x0000000000000000000000000000000000000001',
                standard: 'erc20',
              },
            ],
          },
        ],
      },
      /decimals/,
    ],
    ['an unknown field (typo)', { chains: [{ id: 'ETH', rpcURL: 'https://x.example' }] }, /rpcURL|Unrecognized/i],
    ['a file without a chains array', { networks: [] }, /expected \{"chains"/],
  ];
  for (const [name, file, message] of refusals) {
    it(`refuses ${name}`, () => {
      expect(() => createChainRegistry({ file })).toThrow(ChainConfigError);
      expect(() => createChainRegistry({ file })).toThrow(message);
    });
  }

  it('refuses TANDEM_RPC_ for a chain that does not exist', () => {
    expect(() => createChainRegistry({ env: { TANDEM_RPC_NOPE: 'https://x.example' } })).toThrow(/no chain NOPE/);
  });

  it('refuses an unreadable TANDEM_CHAINS_FILE', () => {
    expect(() => loadChainRegistry({ TANDEM_CHAINS_FILE: '/nonexistent/chains.json' })).toThrow(/TANDEM_CHAINS_FILE/);
  });
});
