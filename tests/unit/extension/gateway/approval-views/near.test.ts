import { concatBytes } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { describeFields } from '../../../../../extension/gateway/describe.js';
import { borshString, borshVec, u8, u32le, u64le, u128le } from '../../../../../protocol/chains/near/borsh.js';
import {
  buildNearTokenTransfer,
  buildNearTransfer,
  encodeNearAction,
  serializeNearDelegateAction,
  serializeNearTransaction,
} from '../../../../../protocol/chains/near/transaction.js';
import { allText, challenge, find, warnings } from './helpers.js';

const KEY_BYTES = Uint8Array.from({ length: 32 }, (_, i) => i);
const KEY = `ed25519:${base58.encode(KEY_BYTES)}`;
const OTHER_KEY = Uint8Array.from({ length: 32 }, () => 7);
const BLOCK = base58.encode(Uint8Array.from({ length: 32 }, () => 1));
const WALLET = 'alice.near';
const base = { blockchain: 'NEAR', fromAddress: WALLET, walletId: 'w1' };
const txBase = { signerId: WALLET, publicKey: KEY, nonce: '5', blockHash: BLOCK, account: 0 };

/** borsh(Transaction V0) with actions given as encoded bytes (any action kind). */
function rawTransaction(receiverId: string, actions: Uint8Array[]): string {
  return base64.encode(
    concatBytes(
      borshString(WALLET),
      u8(0),
      KEY_BYTES,
      u64le(5n),
      borshString(receiverId),
      base58.decode(BLOCK),
      borshVec(actions),
    ),
  );
}

const addFullAccessKey = concatBytes(u8(5), u8(0), OTHER_KEY, u64le(0n), u8(1));
const addFunctionCallKey = concatBytes(
  u8(5),
  u8(0),
  OTHER_KEY,
  u64le(0n),
  u8(0),
  u8(1),
  u128le(250_000_000_000_000_000_000_000n),
  borshString('game.near'),
  borshVec([borshString('play'), borshString('claim')]),
);
const deleteKey = concatBytes(u8(6), u8(0), KEY_BYTES);

describe('NEAR', () => {
  it('transfer as requested: NEAR amount, receiver, network', () => {
    const fields = describeFields(challenge('transfer', { ...base, destinationAddress: 'bob.near', amounts: ['1.5'] }));
    expect(find(fields, 'Amount').value).toBe('1.5 NEAR');
    expect(find(fields, 'To').value).toBe('bob.near');
    expect(find(fields, 'Network').value).toBe('NEAR');
  });

  it('relay-built transfer: Transfer in NEAR from yoctoNEAR, matching the request', () => {
    const tx = buildNearTransfer({ ...txBase, to: 'bob.near', yocto: '1500000000000000000000000' });
    const fields = describeFields(
      challenge('transfer', { ...base, destinationAddress: 'bob.near', amounts: ['1.5'] }),
      {
        unsignedTransaction: tx,
      },
    );
    expect(find(fields, 'Checked').tone).toBe('ok');
    expect(find(fields, 'Receiver').value).toBe('bob.near');
    expect(find(fields, '1. Send NEAR').children?.[0]).toMatchObject({
      value: '1.5 NEAR',
      hint: '1500000000000000000000000 yoctoNEAR',
    });
    expect(find(fields, 'Signer')).toMatchObject({ value: WALLET, hint: 'Your wallet' });
  });

  it('relay-built ft_transfer of a known token: what it sends, args as JSON, 1 yocto deposit, gas in TGas', () => {
    const usdc = '17208628f84f5d6ad33f0da3bbbeb27ffcb398eac501a31bd6ad2011e36133a1';
    const tx = buildNearTokenTransfer({ ...txBase, token: usdc, to: 'bob.near', amount: '2500000' });
    const fields = describeFields(
      challenge('transfer', { ...base, destinationAddress: 'bob.near', amounts: ['2.5'], tokenId: 'NEAR:USDC' }),
      { unsignedTransaction: tx },
    );
    const call = find(fields, '1. Call ft_transfer');
    expect(find(call.children ?? [], 'Sends')).toMatchObject({ value: '2.5 USDC', tone: 'highlight' });
    expect(JSON.parse(find(call.children ?? [], 'Arguments').value)).toEqual({
      receiver_id: 'bob.near',
      amount: '2500000',
    });
    expect(find(call.children ?? [], 'Deposit').value).toBe('1 yoctoNEAR');
    expect(find(call.children ?? [], 'Gas').value).toBe('30 TGas');
    expect(warnings(fields)).toEqual([]);
  });

  it('contract call as requested: method, JSON args, deposit', () => {
    const fields = describeFields(
      challenge('contract-execution', {
        ...base,
        contractAddress: 'game.near',
        abiFunctionSignature: 'play(move)',
        abiParameters: [{ move: 'e4' }],
        amount: '0.1',
      }),
    );
    expect(find(fields, 'Contract').value).toBe('game.near');
    expect(find(fields, 'Method').value).toBe('play');
    expect(JSON.parse(find(fields, 'Arguments').value)).toEqual({ move: 'e4' });
    expect(find(fields, 'Deposit').value).toBe('0.1 NEAR');
  });

  it('sign/transaction with AddKey (full access) and DeleteKey: both flagged as sensitive', () => {
    const raw = rawTransaction(WALLET, [addFullAccessKey, deleteKey]);
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }));
    const add = find(fields, '1. Add an access key');
    expect(find(add.children ?? [], 'Sensitive').value).toContain('FULL CONTROL');
    expect(find(add.children ?? [], 'Key').value).toBe(`ed25519:${base58.encode(OTHER_KEY)}`);
    expect(find(fields, '2. Delete an access key').children?.[0]).toMatchObject({
      label: 'Sensitive',
      tone: 'warning',
    });
    expect(warnings(fields)).toEqual(['Sensitive', 'Sensitive']);
  });

  it('a function-call access key names its contract, methods and fee allowance', () => {
    const fields = describeFields(
      challenge('sign-transaction', { ...base, rawTransaction: rawTransaction(WALLET, [addFunctionCallKey]) }),
    );
    expect(find(fields, 'Sensitive').value).toBe(
      'Adds a key to alice.near that can call play, claim on game.near, spending up to 0.25 NEAR in fees.',
    );
  });

  it('sign/transaction: DeleteAccount names the beneficiary; a signer other than the wallet is flagged', () => {
    const bytes = base64.decode(rawTransaction(WALLET, [concatBytes(u8(7), borshString('thief.near'))]));
    const fields = describeFields(
      challenge('sign-transaction', { ...base, fromAddress: 'carol.near', rawTransaction: base64.encode(bytes) }),
    );
    expect(find(fields, 'Beneficiary').value).toBe('thief.near');
    expect(warnings(fields)).toEqual(['Sensitive', 'Other signer']);
  });

  it('sign/transaction with a standard FunctionCall decodes like the relay', () => {
    const tx = buildNearTokenTransfer({ ...txBase, token: 'usdt.tether-token.near', to: 'bob.near', amount: '7' });
    const raw = base64.encode(serializeNearTransaction(tx));
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }));
    expect(find(fields, 'Receiver').value).toBe('usdt.tether-token.near');
    expect(find(fields, 'Sends').value).toBe('7 base units');
    expect(find(fields, 'Nonce').value).toBe('5');
  });

  it('a delegate action: receiver, its actions, sender, block height limit', () => {
    const raw = base64.encode(
      serializeNearDelegateAction({
        senderId: WALLET,
        receiverId: 'game.near',
        actions: [
          {
            type: 'FunctionCall',
            methodName: 'claim',
            args: base64.encode(new TextEncoder().encode('{"id":3}')),
            gas: '50000000000000',
            deposit: '0',
          },
        ],
        nonce: '9',
        maxBlockHeight: '1000',
        publicKey: KEY,
      }),
    );
    const fields = describeFields(challenge('sign-delegate-action', { ...base, unsignedDelegateAction: raw }));
    expect(find(fields, 'What this is').value).toBe('A delegate action');
    expect(find(fields, 'Receiver').value).toBe('game.near');
    expect(find(fields, '1. Call claim').children?.map((c) => c.label)).toEqual([
      'Method',
      'Arguments',
      'Deposit',
      'Gas',
    ]);
    expect(find(fields, 'Sender').hint).toBe('Your wallet');
    expect(find(fields, 'Valid until block').value).toBe('1000');
  });

  it('a delegate action carrying AddKey is shown and flagged, though the relay would refuse to sign it', () => {
    const raw = base64.encode(
      concatBytes(
        borshString(WALLET),
        borshString(WALLET),
        borshVec([addFullAccessKey]),
        u64le(1n),
        u64le(1000n),
        u8(0),
        KEY_BYTES,
      ),
    );
    const fields = describeFields(challenge('sign-delegate-action', { ...base, unsignedDelegateAction: raw }));
    expect(find(fields, 'Sensitive').value).toContain('FULL CONTROL');
  });

  it('a transaction with an unknown action tag shows what came before, then the raw rest with why', () => {
    const raw = rawTransaction('bob.near', [
      encodeNearAction({ type: 'Transfer', deposit: '1' }),
      concatBytes(u8(42), u32le(0)),
    ]);
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }));
    expect(find(fields, 'Could not be decoded').value).toContain('unknown action tag 42');
    expect(find(fields, 'Raw request').value).toContain(raw);
    expect(find(fields, '1. Send NEAR').children?.[0]?.value).toBe('0.000000000000000000000001 NEAR');
  });

  it('a relay transaction whose action is not an object shows it raw as an unknown action', () => {
    const tx = buildNearTransfer({ ...txBase, to: 'bob.near', yocto: '1' });
    const fields = describeFields(challenge('transfer', { ...base, destinationAddress: 'bob.near', amounts: ['1'] }), {
      unsignedTransaction: { ...tx, actions: [null, 'AddKey'] },
    });
    expect(find(fields, '1. Unknown action').value).toBe('null');
    expect(find(fields, '2. Unknown action').value).toBe('"AddKey"');
  });

  it('binary FunctionCall arguments are shown as base64 with a warning', () => {
    const action = encodeNearAction({
      type: 'FunctionCall',
      methodName: 'blob',
      args: base64.encode(Uint8Array.of(0, 1, 2, 255)),
      gas: '1000',
      deposit: '0',
    });
    const fields = describeFields(
      challenge('sign-transaction', { ...base, rawTransaction: rawTransaction('x.near', [action]) }),
    );
    expect(find(fields, 'Arguments (base64)').value).toBe('AAEC/w==');
    expect(allText(fields)).toContain('Binary arguments');
  });
});
