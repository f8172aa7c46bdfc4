import { bytesToHex } from '@noble/hashes/utils.js';
import { getAddress, hashMessage, hashTypedData, parseEther } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  familyOf,
  payloadSigningRequests,
  relayBuiltSigningRequests,
  SigningRefusedError,
  type SigningWallet,
} from '../../../../../extension/background/flows/signing-requests.js';
import { type EvmUnsignedTransaction, erc20TransferCalldata } from '../../../../../protocol/chains/evm/transaction.js';
import { InvalidArgumentError } from '../../../../../protocol/errors.js';

const evm: SigningWallet = {
  family: 'evm',
  address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  derivationPath: 'm/0/0',
  account: 0,
};
const solana: SigningWallet = {
  family: 'solana',
  address: '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV',
  derivationPath: "m/44'/501'/0'/0'",
  account: 0,
};
const RECIPIENT = getAddress('0x00000000000000000000000000000000000da7a1');

const digestOf = (requests: ReturnType<typeof payloadSigningRequests>) => {
  const r = requests[0];
  if (r?.scheme !== 'ecdsa-secp256k1') throw new Error('expected ECDSA');
  return `0x${bytesToHex(r.digest)}`;
};

function unsignedTransfer(overrides: Partial<EvmUnsignedTransaction> = {}): EvmUnsignedTransaction {
  return {
    family: 'evm',
    chainId: 31337,
    from: evm.address as EvmUnsignedTransaction['from'],
    derivationPath: 'm/0/0',
    nonce: 0,
    to: RECIPIENT as EvmUnsignedTransaction['to'],
    value: parseEther('0.5').toString(),
    data: '0x',
    gasLimit: '21000',
    maxFeePerGas: '3000000000',
    maxPriorityFeePerGas: '1000000000',
    ...overrides,
  };
}
const transferPayload = { destinationAddress: RECIPIENT, amounts: ['0.5'], blockchain: 'EVM-LOCAL' };

describe('what Node 1 signs, from the approved payload', () => {
  it('EVM personal_sign: the EIP-191 digest viem computes for the text', () => {
    const requests = payloadSigningRequests('sign-message', { message: 'Hello Tandem' }, evm);
    expect(digestOf(requests)).toBe(hashMessage('Hello Tandem'));
    expect(requests[0]?.derivationPath).toBe('m/0/0');
  });

  it('EVM personal_sign of hex bytes when encodedByHex is set', () => {
    const requests = payloadSigningRequests('sign-message', { message: '0xdeadbeef', encodedByHex: true }, evm);
    expect(digestOf(requests)).toBe(hashMessage({ raw: '0xdeadbeef' }));
  });

  it('EIP-712: the digest viem computes for the typed data', () => {
    const typedData = {
      domain: { name: 'Acme', version: '1', chainId: 1 },
      types: {
        EIP712Domain: [
          { name: 'name', type: 'string' },
          { name: 'version', type: 'string' },
          { name: 'chainId', type: 'uint256' },
        ],
        Mail: [{ name: 'contents', type: 'string' }],
      },
      primaryType: 'Mail',
      message: { contents: 'hi' },
    } as const;
    const requests = payloadSigningRequests('sign-typed-data', { typedData: JSON.stringify(typedData) }, evm);
    expect(digestOf(requests)).toBe(hashTypedData(typedData as Parameters<typeof hashTypedData>[0]));
  });

  it('Solana: the message bytes themselves, with the account’s SLIP-10 path', () => {
    const [request] = payloadSigningRequests('sign-message', { message: 'gm' }, solana);
    expect(request).toMatchObject({ scheme: 'ed25519', keyFamily: 'solana', derivationPath: "m/44'/501'/0'/0'" });
    expect(request?.scheme === 'ed25519' && new TextDecoder().decode(request.message)).toBe('gm');
  });

  it('refuses a payload without a message', () => {
    expect(() => payloadSigningRequests('sign-message', {}, evm)).toThrow(/no message/);
  });

  it('refuses encodedByHex with a message that is not hex', () => {
    expect(() => payloadSigningRequests('sign-message', { message: 'hello', encodedByHex: true }, evm)).toThrow(
      SigningRefusedError,
    );
  });

  it('refuses typed data for a Solana wallet', () => {
    expect(() => payloadSigningRequests('sign-typed-data', { typedData: '{}' }, solana)).toThrow(/EVM wallets only/);
  });

  it('refuses typed data that is not JSON', () => {
    expect(() => payloadSigningRequests('sign-typed-data', { typedData: '{' }, evm)).toThrow(/not JSON/);
  });

  it('refuses a relay-built kind from the payload alone', () => {
    expect(() => payloadSigningRequests('transfer', transferPayload, evm)).toThrow(SigningRefusedError);
  });
});

describe('what Node 1 signs for a relay-built transaction', () => {
  it('signs the transaction that pays exactly the approved recipient and amount', () => {
    const requests = relayBuiltSigningRequests('transfer', transferPayload, evm, {
      unsignedTransaction: unsignedTransfer(),
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.derivationPath).toBe('m/0/0');
  });

  it('refuses a transaction to another recipient', () => {
    expect(() =>
      relayBuiltSigningRequests('transfer', transferPayload, evm, {
        unsignedTransaction: unsignedTransfer({ to: '0x1111111111111111111111111111111111111111' }),
      }),
    ).toThrow(InvalidArgumentError);
  });

  it('refuses a transaction for another amount', () => {
    expect(() =>
      relayBuiltSigningRequests('transfer', transferPayload, evm, {
        unsignedTransaction: unsignedTransfer({ value: parseEther('5').toString() }),
      }),
    ).toThrow(InvalidArgumentError);
  });

  it('refuses a transaction signed along another path than the approved wallet’s', () => {
    expect(() =>
      relayBuiltSigningRequests('transfer', transferPayload, evm, {
        unsignedTransaction: unsignedTransfer({ derivationPath: 'm/0/1' }),
      }),
    ).toThrow(/m\/0\/1, not the approved wallet/);
  });

  it('checks a known token transfer in the token’s own units (USDC, 6 decimals, on Sepolia)', () => {
    const usdc = getAddress('0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238');
    const payload = {
      destinationAddress: RECIPIENT,
      amounts: ['1.5'],
      blockchain: 'ETH-SEPOLIA',
      tokenId: 'ETH-SEPOLIA:USDC',
    };
    const tx = unsignedTransfer({
      chainId: 11155111,
      to: usdc as EvmUnsignedTransaction['to'],
      value: '0',
      data: erc20TransferCalldata(RECIPIENT, '1500000'),
    });
    expect(relayBuiltSigningRequests('transfer', payload, evm, { unsignedTransaction: tx })).toHaveLength(1);
    expect(() =>
      relayBuiltSigningRequests('transfer', payload, evm, {
        unsignedTransaction: { ...tx, data: erc20TransferCalldata(RECIPIENT, '1500000000') },
      }),
    ).toThrow(InvalidArgumentError);
  });

  it('refuses a token the extension does not know (it could not check the amount)', () => {
    expect(() =>
      relayBuiltSigningRequests('transfer', { ...transferPayload, tokenId: 'EVM-LOCAL:FOO' }, evm, {
        unsignedTransaction: unsignedTransfer(),
      }),
    ).toThrow(/does not know the token EVM-LOCAL:FOO/);
  });

  it('refuses a transaction for another EVM chain than the approved network', () => {
    expect(() =>
      relayBuiltSigningRequests('transfer', { ...transferPayload, blockchain: 'ETH-SEPOLIA' }, evm, {
        unsignedTransaction: unsignedTransfer({ chainId: 1 }),
      }),
    ).toThrow(/chain id 11155111/);
  });

  it('refuses a transfer payload with more than one amount', () => {
    expect(() =>
      relayBuiltSigningRequests('transfer', { ...transferPayload, amounts: ['1', '2'] }, evm, {
        unsignedTransaction: unsignedTransfer(),
      }),
    ).toThrow(/single amount/);
  });
});

describe('chain families', () => {
  it.each([
    ['ETH-SEPOLIA', 'evm'],
    ['EVM-LOCAL', 'evm'],
    ['BTC-TESTNET', 'bitcoin'],
    ['SOL-DEVNET', 'solana'],
    ['NEAR-TESTNET', 'near'],
  ])('%s is %s', (chain, family) => {
    expect(familyOf(chain)).toBe(family);
  });
});
