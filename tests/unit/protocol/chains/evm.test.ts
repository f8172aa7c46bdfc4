import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  decodeFunctionData,
  encodeFunctionData,
  hashMessage,
  hashTypedData,
  keccak256,
  parseAbiItem,
  parseTransaction,
  recoverAddress,
  serializeTransaction,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import {
  checksumEvmAddress,
  decodeFunctionCall,
  encodeFunctionCall,
  evmAddressFromPublicKey,
  parseAbiFunctionSignature,
  parseEvmAddress,
} from '../../../../protocol/chains/evm/index.js';
import { evmSignatureHex, personalSignDigest, typedDataDigest } from '../../../../protocol/chains/evm/messages.js';
import { rlpDecode, rlpEncode } from '../../../../protocol/chains/evm/rlp.js';
import {
  assembleEvmTransaction,
  buildEvmContractCall,
  buildEvmNativeTransfer,
  buildEvmTokenTransfer,
  checkEvmSignature,
  evmSigningDigest,
  evmSigningRequest,
  serializeEvmUnsigned,
} from '../../../../protocol/chains/evm/transaction.js';
import type { ChainSignature } from '../../../../protocol/chains/types.js';
import { InvalidArgumentError } from '../../../../protocol/errors.js';

const PRIVATE_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const account = privateKeyToAccount(PRIVATE_KEY);
const publicKey = secp256k1.getPublicKey(Buffer.from(PRIVATE_KEY.slice(2), 'hex'), true);

function signDigest(digest: Uint8Array): ChainSignature {
  const sig = secp256k1.Signature.fromBytes(
    secp256k1.sign(digest, Buffer.from(PRIVATE_KEY.slice(2), 'hex'), { prehash: false, format: 'recovered' }),
    'recovered',
  );
  return {
    scheme: 'ecdsa-secp256k1',
    r: sig.r.toString(16).padStart(64, '0'),
    s: sig.s.toString(16).padStart(64, '0'),
    recovery: sig.recovery as number,
  };
}

const base = {
  chainId: 11155111,
  from: account.address,
  derivationPath: 'm/0/0',
  nonce: 7,
  gasLimit: '21000',
  fees: { maxFeePerGas: '30000000000', maxPriorityFeePerGas: '1500000000' },
};
const RECIPIENT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('EVM addresses', () => {
  it('derives the same address as viem from a compressed public key', () => {
    expect(evmAddressFromPublicKey(publicKey)).toBe(account.address);
  });
  it('checksums like EIP-55', () => {
    expect(checksumEvmAddress(RECIPIENT.toLowerCase())).toBe(RECIPIENT);
  });
  it('refuses a mixed-case address with a wrong checksum', () => {
    expect(() => parseEvmAddress('0x70997970c51812dc3A010C7d01b50e0d17dc79C8')).toThrow(InvalidArgumentError);
  });
  it('refuses an address of the wrong length', () => {
    expect(() => parseEvmAddress('0x1234')).toThrow(/40 hex digits/);
  });
  it('refuses a public key that is not a curve point', () => {
    expect(() => evmAddressFromPublicKey(Uint8Array.of(5, ...new Uint8Array(32).fill(2)))).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('RLP', () => {
  it('round-trips nested lists and long strings', () => {
    const item = [new Uint8Array(60).fill(1), [Uint8Array.of(0x7f), Uint8Array.of(0x80)], new Uint8Array(0)];
    expect(rlpDecode(rlpEncode(item))).toEqual(item);
  });
  it('refuses a non-canonical single byte', () => {
    expect(() => rlpDecode(Uint8Array.of(0x81, 0x05))).toThrow(/canonical single byte/);
  });
  it('refuses trailing bytes', () => {
    expect(() => rlpDecode(Uint8Array.of(0x05, 0x06))).toThrow(/trailing/);
  });
});

describe('EIP-1559 transactions', () => {
  const tx = buildEvmNativeTransfer({ ...base, to: RECIPIENT, value: '1000000000000000' });
  const viemTx = {
    type: 'eip1559' as const,
    chainId: 11155111,
    nonce: 7,
    gas: 21000n,
    maxFeePerGas: 30000000000n,
    maxPriorityFeePerGas: 1500000000n,
    to: RECIPIENT as `0x${string}`,
    value: 1000000000000000n,
  };

  it('serialises the unsigned transaction exactly as viem does', () => {
    expect(Buffer.from(serializeEvmUnsigned(tx)).toString('hex')).toBe(serializeTransaction(viemTx).slice(2));
  });

  it('builds a signing request whose digest is keccak256 of the unsigned envelope', () => {
    const request = evmSigningRequest(tx);
    expect(request).toMatchObject({ scheme: 'ecdsa-secp256k1', keyFamily: 'evm', derivationPath: 'm/0/0' });
    if (request.scheme !== 'ecdsa-secp256k1') throw new Error('scheme');
    expect(`0x${Buffer.from(request.digest).toString('hex')}`).toBe(keccak256(serializeTransaction(viemTx)));
  });

  it('assembles the same signed transaction as viem signTransaction', async () => {
    const signed = assembleEvmTransaction(tx, signDigest(evmSigningDigest(tx)));
    const expected = await account.signTransaction(viemTx);
    expect(signed.raw).toBe(expected);
    expect(signed.hash).toBe(keccak256(expected));
    expect(parseTransaction(signed.raw as `0x${string}`).to).toBe(RECIPIENT.toLowerCase());
  });

  it('refuses a signature by another key', () => {
    const other = secp256k1.sign(evmSigningDigest(tx), secp256k1.utils.randomSecretKey(), {
      prehash: false,
      format: 'recovered',
    });
    const sig = secp256k1.Signature.fromBytes(other, 'recovered');
    expect(() =>
      assembleEvmTransaction(tx, {
        scheme: 'ecdsa-secp256k1',
        r: sig.r.toString(16).padStart(64, '0'),
        s: sig.s.toString(16).padStart(64, '0'),
        recovery: sig.recovery as number,
      }),
    ).toThrow(/a signature by/);
  });

  it('refuses the right signature with the other recovery id (v would recover another key)', () => {
    const sig = signDigest(evmSigningDigest(tx));
    if (sig.scheme !== 'ecdsa-secp256k1') throw new Error('scheme');
    expect(() => assembleEvmTransaction(tx, { ...sig, recovery: sig.recovery ^ 1 })).toThrow(/a signature by/);
  });

  it('refuses a digest that is not 32 bytes', () => {
    const sig = signDigest(evmSigningDigest(tx));
    expect(() => checkEvmSignature(new Uint8Array(31), sig, tx.from)).toThrow(/digest/);
  });

  it('refuses a high-s signature', () => {
    const sig = signDigest(evmSigningDigest(tx));
    if (sig.scheme !== 'ecdsa-secp256k1') throw new Error('scheme');
    const highS = (secp256k1.Point.CURVE().n - BigInt(`0x${sig.s}`)).toString(16).padStart(64, '0');
    expect(() => assembleEvmTransaction(tx, { ...sig, s: highS, recovery: sig.recovery ^ 1 })).toThrow(/low-s/);
  });

  it('refuses a tip above the max fee', () => {
    expect(() =>
      buildEvmNativeTransfer({
        ...base,
        fees: { maxFeePerGas: '1', maxPriorityFeePerGas: '2' },
        to: RECIPIENT,
        value: '1',
      }),
    ).toThrow(/maxPriorityFeePerGas/);
  });

  it('refuses a gas limit below 21000', () => {
    expect(() => buildEvmNativeTransfer({ ...base, gasLimit: '20999', to: RECIPIENT, value: '1' })).toThrow(/gasLimit/);
  });

  it('refuses a non-decimal value', () => {
    expect(() => buildEvmNativeTransfer({ ...base, to: RECIPIENT, value: '1.5' })).toThrow(/transaction.value/);
  });

  it('refuses a hardened derivation path', () => {
    expect(() => buildEvmNativeTransfer({ ...base, derivationPath: "m/0'/0", to: RECIPIENT, value: '1' })).toThrow(
      /derivationPath/,
    );
  });

  it('builds an ERC-20 transfer whose calldata matches viem', () => {
    const token = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    const t = buildEvmTokenTransfer({ ...base, gasLimit: '60000', token, to: RECIPIENT, amount: '2500000' });
    expect(t.to).toBe(token);
    expect(t.value).toBe('0');
    expect(t.data).toBe(
      encodeFunctionData({
        abi: [parseAbiItem('function transfer(address to, uint256 amount)')],
        args: [RECIPIENT, 2500000n],
      }),
    );
  });
});

describe('ABI encoding', () => {
  const cases: { signature: string; viem: string; values: unknown[]; viemArgs: unknown[] }[] = [
    {
      signature: 'approve(address,uint256)',
      viem: 'function approve(address,uint256)',
      values: [RECIPIENT, '123'],
      viemArgs: [RECIPIENT, 123n],
    },
    {
      signature: 'f(int8,bool,bytes4,string,bytes)',
      viem: 'function f(int8,bool,bytes4,string,bytes)',
      values: ['-5', true, '0xdeadbeef', 'héllo', '0x0102'],
      viemArgs: [-5, true, '0xdeadbeef', 'héllo', '0x0102'],
    },
    {
      signature: 'g(uint256[],(address,string)[2],bytes32[2])',
      viem: 'function g(uint256[],(address,string)[2],bytes32[2])',
      values: [
        ['1', '2', '3'],
        [
          [RECIPIENT, 'a'],
          [RECIPIENT, 'bb'],
        ],
        [`0x${'11'.repeat(32)}`, `0x${'22'.repeat(32)}`],
      ],
      viemArgs: [
        [1n, 2n, 3n],
        [
          [RECIPIENT, 'a'],
          [RECIPIENT, 'bb'],
        ],
        [`0x${'11'.repeat(32)}`, `0x${'22'.repeat(32)}`],
      ],
    },
    {
      signature: 'swap((address tokenIn, uint24 fee, uint160 limit) params, string[] memory path)',
      viem: 'function swap((address,uint24,uint160),string[])',
      values: [
        [RECIPIENT, 3000, '0'],
        ['x', '', 'zzz'],
      ],
      viemArgs: [
        [RECIPIENT, 3000, 0n],
        ['x', '', 'zzz'],
      ],
    },
  ];
  for (const c of cases) {
    it(`encodes and decodes ${c.signature} like viem`, () => {
      const abi = [parseAbiItem(c.viem)] as const;
      const expected = encodeFunctionData({ abi, args: c.viemArgs } as any);
      const ours = encodeFunctionCall(c.signature, c.values as never);
      expect(ours).toBe(expected);
      expect(decodeFunctionData({ abi, data: ours }).functionName).toBe(parseAbiFunctionSignature(c.signature).name);
      const decoded = decodeFunctionCall(c.signature, ours);
      expect(encodeFunctionCall(c.signature, decoded.values)).toBe(ours);
    });
  }
  it('canonicalises the signature and selector', () => {
    const fn = parseAbiFunctionSignature('transfer(address to, uint amount)');
    expect(fn.signature).toBe('transfer(address,uint256)');
    expect(fn.selector).toBe('0xa9059cbb');
    expect(fn.inputs.map((i) => i.name)).toEqual(['to', 'amount']);
  });
  it('refuses an unknown type', () => {
    expect(() => parseAbiFunctionSignature('f(uint257)')).toThrow(/integer width/);
  });
  it('refuses unbalanced parentheses', () => {
    expect(() => parseAbiFunctionSignature('f((address,uint256)')).toThrow(InvalidArgumentError);
  });
  it('refuses a wrong number of parameters', () => {
    expect(() => encodeFunctionCall('transfer(address,uint256)', [RECIPIENT])).toThrow(/2 values/);
  });
  it('refuses a uint8 out of range', () => {
    expect(() => encodeFunctionCall('f(uint8)', ['256'])).toThrow(/uint8/);
  });
  it('refuses calldata with another selector', () => {
    expect(() =>
      decodeFunctionCall('approve(address,uint256)', encodeFunctionCall('transfer(address,uint256)', [RECIPIENT, '1'])),
    ).toThrow(/selector/);
  });
  it('refuses truncated calldata', () => {
    const data = encodeFunctionCall('transfer(address,uint256)', [RECIPIENT, '1']);
    expect(() => decodeFunctionCall('transfer(address,uint256)', data.slice(0, -2))).toThrow(/32-byte word/);
  });
  it('builds a payable contract call', () => {
    const tx = buildEvmContractCall({
      ...base,
      gasLimit: '100000',
      contract: RECIPIENT,
      abiFunctionSignature: 'deposit()',
      abiParameters: [],
      value: '5',
    });
    expect(tx.data).toBe('0xd0e30db0');
    expect(tx.value).toBe('5');
  });
});

describe('EVM message digests', () => {
  it('personal_sign digest matches viem hashMessage for text and raw bytes', () => {
    expect(`0x${Buffer.from(personalSignDigest(new TextEncoder().encode('hello tandem'))).toString('hex')}`).toBe(
      hashMessage('hello tandem'),
    );
    expect(`0x${Buffer.from(personalSignDigest(Uint8Array.of(1, 2, 3))).toString('hex')}`).toBe(
      hashMessage({ raw: '0x010203' }),
    );
  });

  it('signature hex recovers with viem', async () => {
    const digest = personalSignDigest(new TextEncoder().encode('hello tandem'));
    const sig = evmSignatureHex(signDigest(digest));
    expect(sig).toBe(await account.signMessage({ message: 'hello tandem' }));
    expect(await recoverAddress({ hash: `0x${Buffer.from(digest).toString('hex')}`, signature: sig })).toBe(
      account.address,
    );
  });

  const mail = {
    domain: {
      name: 'Ether Mail',
      version: '1',
      chainId: 1,
      verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC',
    },
    types: {
      Person: [
        { name: 'name', type: 'string' },
        { name: 'wallets', type: 'address[]' },
      ],
      Mail: [
        { name: 'from', type: 'Person' },
        { name: 'to', type: 'Person[]' },
        { name: 'contents', type: 'string' },
        { name: 'attachment', type: 'bytes' },
        { name: 'amount', type: 'uint256' },
      ],
    },
    primaryType: 'Mail',
    message: {
      from: { name: 'Cow', wallets: ['0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826'] },
      to: [{ name: 'Bob', wallets: ['0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB', RECIPIENT] }],
      contents: 'Hello, Bob!',
      attachment: '0xabcd',
      amount: '1000000000000000000000',
    },
  };

  it('EIP-712 digest matches viem hashTypedData (nested structs, arrays, bytes)', () => {
    const expected = hashTypedData({ ...mail, message: { ...mail.message, amount: 10n ** 21n } } as any);
    expect(`0x${Buffer.from(typedDataDigest(mail)).toString('hex')}`).toBe(expected);
  });

  it('EIP-712 digest with a partial domain matches viem', () => {
    const data = {
      domain: { name: 'X', chainId: 5 },
      types: { T: [{ name: 'v', type: 'int16' }] },
      primaryType: 'T',
      message: { v: -3 },
    };
    expect(`0x${Buffer.from(typedDataDigest(data)).toString('hex')}`).toBe(hashTypedData(data as any));
  });

  it('refuses typed data with an undeclared primary type', () => {
    expect(() => typedDataDigest({ ...mail, primaryType: 'Nope' })).toThrow(/definition of "Nope"/);
  });

  it('refuses typed data missing a field', () => {
    expect(() => typedDataDigest({ ...mail, message: { ...mail.message, contents: undefined } })).toThrow(
      /Mail.contents/,
    );
  });
});
