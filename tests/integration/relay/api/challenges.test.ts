import { base58, base64, bech32 } from '@scure/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../../../relay/organisations/api-keys.js';
import type { Wallet } from '../../../../relay/wallets/store.js';
import { type ApiTestRelay, createCustomer, giveWallet, setCustomerState, startApiRelay } from './relay.js';

let relay: ApiTestRelay;
/** A customer with PIN and recovery, and wallets on four chain families. */
let ready: string;
let evm: Wallet;
let sol: Wallet;
let btc: Wallet;
let near: Wallet;
let otherKey: string;

const RETURN = 'https://shop.example/done';
const EVM_TO = `0x${'11'.repeat(20)}`;
const SOL_TO = base58.encode(new Uint8Array(32).fill(7));
const BTC_TO = bech32.encode('tb', [0, ...bech32.toWords(new Uint8Array(20).fill(3))]);
const TYPED_DATA = JSON.stringify({
  types: {
    EIP712Domain: [
      { name: 'name', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
    ],
    Mail: [
      { name: 'to', type: 'address' },
      { name: 'contents', type: 'string' },
      { name: 'tags', type: 'bytes32[]' },
    ],
  },
  primaryType: 'Mail',
  domain: { name: 'Shop', chainId: 11155111, verifyingContract: EVM_TO },
  message: { to: EVM_TO, contents: 'hello', tags: [`0x${'00'.repeat(32)}`] },
});

beforeAll(async () => {
  relay = await startApiRelay();
  ready = await createCustomer(relay);
  await setCustomerState(relay, ready, { hasPin: true, hasRecovery: true });
  evm = await giveWallet(relay, ready, 'ETH-SEPOLIA', 'evm');
  sol = await giveWallet(relay, ready, 'SOL-DEVNET', 'solana');
  btc = await giveWallet(relay, ready, 'BTC-TESTNET', 'bitcoin');
  near = await giveWallet(relay, ready, 'NEAR-TESTNET', 'near');
  otherKey = (await createOrganisation(relay.db, { name: 'Other business' })).apiKey;
});
afterAll(async () => {
  await relay?.stop();
});

const post = (customerId: string, path: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  relay.call('POST', `/v2/customers/${customerId}/${path}`, { redirectUrl: RETURN, ...body }, headers);

async function challengeCount(customerId: string): Promise<number> {
  const r = await relay.call('GET', `/v2/customers/${customerId}/challenges`);
  return r.json.data.pagination.total;
}

describe('challenge-creating endpoints: happy paths', () => {
  const cases: Array<[string, string, () => Record<string, unknown>, string, string]> = [
    ['recovery', 'recovery', () => ({}), 'recovery', 'Recovery challenge created'],
    ['update-pin', 'update-pin', () => ({}), 'update-pin', 'PIN update challenge created'],
    ['reset-pin', 'reset-pin', () => ({}), 'reset-pin', 'PIN reset challenge created'],
    [
      'export-private-keys',
      'export-private-keys',
      () => ({}),
      'export-private-keys',
      'Export private keys challenge created',
    ],
    [
      'wallet/create on two chains',
      'wallet/create',
      () => ({ blockchains: ['ETH-SEPOLIA', 'SOL-DEVNET'], accountType: 'eoa' }),
      'wallet-create',
      'Wallet creation challenge created',
    ],
    [
      'an EVM native transfer',
      'transactions/transfer',
      () => ({ walletId: evm.id, destinationAddress: EVM_TO, amounts: ['1.5'], feeLevel: 'high' }),
      'transfer',
      'Transfer challenge created',
    ],
    [
      'a registry token transfer by tokenId',
      'transactions/transfer',
      () => ({ walletId: evm.id, destinationAddress: EVM_TO, tokenId: 'ETH-SEPOLIA:USDC', amounts: ['2.5'] }),
      'transfer',
      'Transfer challenge created',
    ],
    [
      'an ERC-20 transfer',
      'transactions/transfer',
      () => ({ walletId: evm.id, destinationAddress: EVM_TO, tokenAddress: `0x${'22'.repeat(20)}`, amounts: ['10'] }),
      'transfer',
      'Transfer challenge created',
    ],
    [
      'a Solana transfer',
      'transactions/transfer',
      () => ({ walletId: sol.id, destinationAddress: SOL_TO, amounts: ['0.01'] }),
      'transfer',
      'Transfer challenge created',
    ],
    [
      'a Bitcoin testnet transfer',
      'transactions/transfer',
      () => ({ walletId: btc.id, destinationAddress: BTC_TO, amounts: ['0.0001'] }),
      'transfer',
      'Transfer challenge created',
    ],
    [
      'an EVM contract execution',
      'transactions/contract-execution',
      () => ({
        walletId: evm.id,
        contractAddress: EVM_TO,
        abiFunctionSignature: 'transfer(address,uint256)',
        abiParameters: [EVM_TO, '1000000'],
      }),
      'contract-execution',
      'Contract execution challenge created',
    ],
    [
      'a NEAR contract execution',
      'transactions/contract-execution',
      () => ({
        walletId: near.id,
        contractAddress: 'usdc.testnet',
        abiFunctionSignature: 'ft_transfer(receiver_id,amount)',
        abiParameters: ['bob.testnet', '100'],
        amount: '0.000000000000000000000001',
      }),
      'contract-execution',
      'Contract execution challenge created',
    ],
    [
      'a text message signature',
      'sign/message',
      () => ({ walletId: evm.id, message: 'Sign in to Shop', memo: 'Log in' }),
      'sign-message',
      'Sign message challenge created',
    ],
    [
      'a hex message signature',
      'sign/message',
      () => ({ walletId: btc.id, message: '0xdeadbeef', encodedByHex: true }),
      'sign-message',
      'Sign message challenge created',
    ],
    [
      'EIP-712 typed data',
      'sign/typed-data',
      () => ({ walletId: evm.id, typedData: TYPED_DATA, memo: 'Permit' }),
      'sign-typed-data',
      'Sign typed data challenge created',
    ],
    [
      'a raw EVM transaction',
      'sign/transaction',
      () => ({ walletId: evm.id, rawTransaction: '0x02e5aa01' }),
      'sign-transaction',
      'Sign transaction challenge created',
    ],
    [
      'a base64 Solana transaction',
      'sign/transaction',
      () => ({ walletId: sol.id, rawTransaction: base64.encode(new Uint8Array(100).fill(1)) }),
      'sign-transaction',
      'Sign transaction challenge created',
    ],
    [
      'a JSON transaction',
      'sign/transaction',
      () => ({ walletId: near.id, transaction: JSON.stringify({ receiverId: 'bob.testnet', actions: [] }) }),
      'sign-transaction',
      'Sign transaction challenge created',
    ],
    [
      'a NEAR delegate action',
      'sign/delegate-action',
      () => ({ walletId: near.id, unsignedDelegateAction: base64.encode(new Uint8Array(64).fill(9)) }),
      'sign-delegate-action',
      'Sign delegate action challenge created',
    ],
  ];

  for (const [name, path, body, kind, message] of cases) {
    it(`creates a challenge for ${name}`, async () => {
      const sent = body();
      const r = await post(ready, path, sent);
      expect(r.status).toBe(201);
      expect(r.json).toMatchObject({ success: true, status: 201, message });
      const data = r.json.data;
      expect(data).toMatchObject({ kind, status: 'pending', customerId: ready });
      expect(data.challengeId).toBe(data.id);
      expect(data.redirectUrl).toBe(`${relay.url}/gateway/${data.challengeId}`);
      expect(Date.parse(data.expiresAt) - Date.parse(data.createdAt)).toBe(15 * 60 * 1000);
      const read = await relay.call('GET', `/v2/customers/${ready}/challenges/${data.challengeId}`);
      expect(read.status).toBe(200);
      expect(read.json.data).toMatchObject({ kind, status: 'pending', returnUrl: RETURN, result: null });
      // The exact approved payload: every field sent (defaults filled in), nothing else but the wallet's chain.
      expect(read.json.data.payload).toMatchObject(sent);
    });
  }

  it('creates an initialize challenge for a customer without a PIN', async () => {
    const fresh = await createCustomer(relay);
    const r = await post(fresh, 'initialize', {});
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ message: 'Initialization challenge created', data: { kind: 'initialize' } });
  });

  it('accepts an http return URL on a loopback host', async () => {
    for (const url of ['http://127.0.0.1:3000/back', 'http://localhost/back', 'http://[::1]:8080/x']) {
      const r = await post(ready, 'update-pin', { redirectUrl: url });
      expect(r.status, url).toBe(201);
    }
  });

  it('accepts a reset-pin challenge while the customer is locked', async () => {
    const locked = await createCustomer(relay);
    await setCustomerState(relay, locked, { hasPin: true, hasRecovery: true, locked: true });
    expect((await post(locked, 'reset-pin', {})).status).toBe(201);
  });

  it('stores the wallet chain and address with a wallet action and fills defaults', async () => {
    const r = await post(ready, 'transactions/transfer', {
      walletId: evm.id,
      destinationAddress: EVM_TO,
      amounts: ['1'],
    });
    const read = await relay.call('GET', `/v2/customers/${ready}/challenges/${r.json.data.challengeId}`);
    expect(read.json.data.payload).toEqual({
      walletId: evm.id,
      destinationAddress: EVM_TO,
      amounts: ['1'],
      feeLevel: 'medium',
      blockchain: 'ETH-SEPOLIA',
      fromAddress: evm.address,
    });
  });
});

describe('challenge reads', () => {
  it('lists challenges with pagination and a status filter', async () => {
    const c = await createCustomer(relay);
    await setCustomerState(relay, c, { hasPin: true });
    const a = await post(c, 'update-pin', {});
    const b = await post(c, 'update-pin', {});
    await relay.db.query("UPDATE challenges SET expires_at = now() - interval '1 second' WHERE id = $1", [
      a.json.data.challengeId,
    ]);
    const all = await relay.call('GET', `/v2/customers/${c}/challenges?limit=1&order=asc`);
    expect(all.json.data.pagination).toMatchObject({ page: 1, limit: 1, order: 'asc', total: 2 });
    expect(all.json.data.challenges[0].challengeId).toBe(a.json.data.challengeId);
    const expired = await relay.call('GET', `/v2/customers/${c}/challenges?status=expired`);
    expect(expired.json.data.challenges.map((x: { id: string }) => x.id)).toEqual([a.json.data.challengeId]);
    const pending = await relay.call('GET', `/v2/customers/${c}/challenges?status=pending`);
    expect(pending.json.data.challenges.map((x: { id: string }) => x.id)).toEqual([b.json.data.challengeId]);
  });

  it('reads an expired challenge as expired', async () => {
    const r = await post(ready, 'update-pin', {});
    const id = r.json.data.challengeId;
    await relay.db.query("UPDATE challenges SET expires_at = now() - interval '1 second' WHERE id = $1", [id]);
    const read = await relay.call('GET', `/v2/customers/${ready}/challenges/${id}`);
    expect(read.json.data.status).toBe('expired');
  });

  it('refuses a bad status filter', async () => {
    const r = await relay.call('GET', `/v2/customers/${ready}/challenges?status=done`);
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/status/);
  });

  it("hides another organisation's challenge", async () => {
    const r = await post(ready, 'update-pin', {});
    const other = await relay.call('GET', `/v2/customers/${ready}/challenges/${r.json.data.challengeId}`, undefined, {
      'X-API-Key': otherKey,
    });
    expect(other.status).toBe(404);
  });

  it('answers 404 for an unknown challenge and for a challenge of another customer', async () => {
    const r = await post(ready, 'update-pin', {});
    const c = await createCustomer(relay);
    expect((await relay.call('GET', `/v2/customers/${ready}/challenges/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await relay.call('GET', `/v2/customers/${c}/challenges/${r.json.data.challengeId}`)).status).toBe(404);
  });
});

describe('challenge-creating endpoints refuse, and create nothing', () => {
  type Case = [string, () => Promise<{ status: number; json: any }>, number, RegExp];
  const transfer = (extra: Record<string, unknown>) =>
    post(ready, 'transactions/transfer', { walletId: evm.id, destinationAddress: EVM_TO, amounts: ['1'], ...extra });
  const contract = (extra: Record<string, unknown>) =>
    post(ready, 'transactions/contract-execution', {
      walletId: evm.id,
      contractAddress: EVM_TO,
      abiFunctionSignature: 'transfer(address,uint256)',
      abiParameters: [EVM_TO, '1'],
      ...extra,
    });
  const typed = (data: unknown) =>
    post(ready, 'sign/typed-data', {
      walletId: evm.id,
      typedData: typeof data === 'string' ? data : JSON.stringify(data),
    });
  const typedBase = JSON.parse(TYPED_DATA);

  const cases: Case[] = [
    ['a missing API key', () => post(ready, 'update-pin', {}, { 'X-API-Key': '' }), 401, /missing API key/],
    [
      'an unknown API key',
      () => post(ready, 'update-pin', {}, { 'X-API-Key': 'tdm_unknown' }),
      401,
      /unknown or revoked/,
    ],
    [
      "another organisation's key",
      () => post(ready, 'update-pin', {}, { 'X-API-Key': otherKey }),
      404,
      /customer .* not found/,
    ],
    ['an unknown customer', () => post(crypto.randomUUID(), 'update-pin', {}), 404, /customer .* not found/],
    ['a malformed customer id', () => post('nope', 'update-pin', {}), 400, /customer id/],
    ['a missing return URL', () => relay.call('POST', `/v2/customers/${ready}/update-pin`, {}), 400, /redirectUrl/],
    [
      'an http return URL off loopback',
      () => post(ready, 'update-pin', { redirectUrl: 'http://shop.example/x' }),
      400,
      /https/,
    ],
    ['a javascript: return URL', () => post(ready, 'update-pin', { redirectUrl: 'javascript:alert(1)' }), 400, /https/],
    ['a relative return URL', () => post(ready, 'update-pin', { redirectUrl: '/back' }), 400, /absolute URL/],
    [
      'a return URL with credentials',
      () => post(ready, 'update-pin', { redirectUrl: 'https://u:p@shop.example/' }),
      400,
      /credentials/,
    ],
    ['an unknown field', () => post(ready, 'update-pin', { admin: true }), 400, /admin/],
    ['initialize when a PIN exists', () => post(ready, 'initialize', {}), 409, /already initialised/],
    [
      'an unknown blockchain',
      () => post(ready, 'wallet/create', { blockchains: ['DOGE'] }),
      422,
      /unsupported blockchain/,
    ],
    ['a malformed blockchain id', () => post(ready, 'wallet/create', { blockchains: ['eth'] }), 400, /chain id/],
    ['repeated blockchains', () => post(ready, 'wallet/create', { blockchains: ['ETH', 'ETH'] }), 400, /repeat/],
    ['no blockchains', () => post(ready, 'wallet/create', { blockchains: [] }), 400, /at least one/],
    [
      'a smart-contract account type',
      () => post(ready, 'wallet/create', { blockchains: ['ETH'], accountType: 'sca' }),
      400,
      /eoa/,
    ],
    [
      'wallet metadata of the wrong length',
      () => post(ready, 'wallet/create', { blockchains: ['ETH', 'SOL'], metadata: [{ name: 'a' }] }),
      400,
      /one entry per blockchain/,
    ],
    ['an unknown wallet', () => transfer({ walletId: crypto.randomUUID() }), 404, /wallet .* not found/],
    ['a wallet id that is not a UUID', () => transfer({ walletId: 'w1' }), 400, /wallet id/],
    [
      'a bad EVM checksum',
      () => transfer({ destinationAddress: '0x52908400098527886e0F7030069857D2E4169EE7' }),
      400,
      /checksum/,
    ],
    ['a short EVM address', () => transfer({ destinationAddress: '0x1234' }), 400, /40 hex/],
    [
      'a Solana address that is not base58',
      () => transfer({ walletId: sol.id, destinationAddress: '0OIl' }),
      400,
      /base58/,
    ],
    [
      'a mainnet Bitcoin address on testnet',
      () =>
        transfer({
          walletId: btc.id,
          destinationAddress: bech32.encode('bc', [0, ...bech32.toWords(new Uint8Array(20))]),
        }),
      400,
      /Bitcoin address for this network/,
    ],
    ['a zero amount', () => transfer({ amounts: ['0'] }), 400, /greater than zero/],
    [
      'more decimals than ETH has',
      () => transfer({ amounts: ['0.0000000000000000001'] }),
      400,
      /19 decimal places; at most 18/,
    ],
    [
      'a token id the chain does not know',
      () => transfer({ tokenId: 'ETH-SEPOLIA:NOPE' }),
      422,
      /not a token of ETH-SEPOLIA/,
    ],
    [
      'more decimals than the token has',
      () => transfer({ tokenId: 'ETH-SEPOLIA:USDC', amounts: ['1.0000001'] }),
      400,
      /at most 6/,
    ],
    ['a contract value finer than the native unit', () => contract({ amount: '0.0000000000000000001' }), 400, /amount/],
    ['an exponent amount', () => transfer({ amounts: ['1e5'] }), 400, /decimal string/],
    ['a numeric amount', () => transfer({ amounts: [1] }), 400, /amounts/],
    ['two amounts', () => transfer({ amounts: ['1', '2'] }), 400, /exactly one amount/],
    ['an unknown fee level', () => transfer({ feeLevel: 'urgent' }), 400, /feeLevel/],
    ['tokenId and tokenAddress together', () => transfer({ tokenId: 't', tokenAddress: EVM_TO }), 400, /not both/],
    [
      'a token on Bitcoin',
      () => transfer({ walletId: btc.id, destinationAddress: BTC_TO, tokenAddress: 'x' }),
      400,
      /Bitcoin has no fungible tokens/,
    ],
    ['a malformed ABI signature', () => contract({ abiFunctionSignature: 'transfer address' }), 400, /name\(type1/],
    [
      'an unknown ABI type',
      () => contract({ abiFunctionSignature: 'f(uint7)', abiParameters: [1] }),
      400,
      /unknown parameter type/,
    ],
    ['too few ABI parameters', () => contract({ abiParameters: [EVM_TO] }), 400, /must hold 2 values/],
    [
      'an ABI value out of range',
      () => contract({ abiFunctionSignature: 'f(uint8)', abiParameters: ['256'] }),
      400,
      /fit in uint8/,
    ],
    ['an ABI address that is not one', () => contract({ abiParameters: ['bob', '1'] }), 400, /abiParameters\.0/],
    [
      'a contract call on Bitcoin',
      () => contract({ walletId: btc.id, contractAddress: BTC_TO }),
      422,
      /not supported on BTC-TESTNET/,
    ],
    ['typed data that is not JSON', () => typed('{nope'), 400, /JSON string/],
    ['typed data without primaryType', () => typed({ ...typedBase, primaryType: 'Nope' }), 400, /primaryType/],
    [
      'typed data with a wrong value type',
      () => typed({ ...typedBase, message: { ...typedBase.message, to: 'bob' } }),
      400,
      /message\.to/,
    ],
    [
      'typed data with an undeclared field',
      () => typed({ ...typedBase, message: { ...typedBase.message, extra: 1 } }),
      400,
      /not declared/,
    ],
    [
      'typed data with an unknown type',
      () => typed({ ...typedBase, types: { ...typedBase.types, Mail: [{ name: 'x', type: 'Nope' }] } }),
      400,
      /unknown type/,
    ],
    [
      'typed data on a Solana wallet',
      () => post(ready, 'sign/typed-data', { walletId: sol.id, typedData: TYPED_DATA }),
      422,
      /not supported on SOL-DEVNET/,
    ],
    [
      'a delegate action on an EVM wallet',
      () => post(ready, 'sign/delegate-action', { walletId: evm.id, unsignedDelegateAction: 'AAAA' }),
      422,
      /near/,
    ],
    [
      'a delegate action that is not base64',
      () => post(ready, 'sign/delegate-action', { walletId: near.id, unsignedDelegateAction: '!!!!' }),
      400,
      /base64/,
    ],
    [
      'a raw transaction and a transaction together',
      () => post(ready, 'sign/transaction', { walletId: evm.id, rawTransaction: '0x02', transaction: '{}' }),
      400,
      /exactly one/,
    ],
    [
      'a raw EVM transaction that is not hex',
      () => post(ready, 'sign/transaction', { walletId: evm.id, rawTransaction: 'AQID' }),
      400,
      /0x-hex/,
    ],
    [
      'a transaction string that is not a JSON object',
      () => post(ready, 'sign/transaction', { walletId: near.id, transaction: '[1]' }),
      400,
      /JSON object/,
    ],
    [
      'a raw transaction on Bitcoin',
      () => post(ready, 'sign/transaction', { walletId: btc.id, rawTransaction: 'AQID' }),
      422,
      /not supported/,
    ],
    [
      'a hex message that is not hex',
      () => post(ready, 'sign/message', { walletId: evm.id, message: 'hello', encodedByHex: true }),
      400,
      /0x-prefixed hex/,
    ],
    ['an empty message', () => post(ready, 'sign/message', { walletId: evm.id, message: '' }), 400, /empty/],
    [
      'a memo with control characters',
      () => post(ready, 'sign/message', { walletId: evm.id, message: 'x', memo: 'a\u0007' }),
      400,
      /control/,
    ],
  ];

  for (const [name, send, status, message] of cases) {
    it(`refuses ${name} with ${status}`, async () => {
      const before = await challengeCount(ready);
      const r = await send();
      expect(r.status).toBe(status);
      expect(r.json.success).toBe(false);
      expect(r.json.message).toMatch(message);
      expect(await challengeCount(ready)).toBe(before);
    });
  }

  it('refuses wallet/create before recovery with 409 recovery_not_set', async () => {
    const c = await createCustomer(relay);
    await setCustomerState(relay, c, { hasPin: true });
    const r = await post(c, 'wallet/create', { blockchains: ['ETH'] });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('recovery_not_set');
    expect(r.json.message).toMatch(/hasRecovery is false/);
    expect(await challengeCount(c)).toBe(0);
  });

  it('refuses wallet/create before the PIN with 409 pin_not_set', async () => {
    const c = await createCustomer(relay);
    const r = await post(c, 'wallet/create', { blockchains: ['ETH'] });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('pin_not_set');
  });

  it('refuses update-pin, recovery, export and signing before the PIN', async () => {
    const c = await createCustomer(relay);
    for (const path of ['update-pin', 'recovery', 'reset-pin', 'export-private-keys']) {
      const r = await post(c, path, {});
      expect(r.status, path).toBe(409);
      expect(r.json.error.code, path).toBe('pin_not_set');
    }
  });

  it('refuses reset-pin without a recovery method', async () => {
    const c = await createCustomer(relay);
    await setCustomerState(relay, c, { hasPin: true });
    const r = await post(c, 'reset-pin', {});
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('recovery_not_set');
  });

  it('refuses actions of a locked customer with 423', async () => {
    const c = await createCustomer(relay);
    await setCustomerState(relay, c, { hasPin: true, hasRecovery: true, locked: true });
    const w = await giveWallet(relay, c, 'ETH', 'evm');
    for (const [path, body] of [
      ['update-pin', {}],
      ['wallet/create', { blockchains: ['ETH'] }],
      ['sign/message', { walletId: w.id, message: 'x' }],
    ] as const) {
      const r = await post(c, path, body);
      expect(r.status, path).toBe(423);
      expect(r.json.error.code).toBe('customer_locked');
    }
  });

  it("refuses another customer's wallet with 404", async () => {
    const c = await createCustomer(relay);
    await setCustomerState(relay, c, { hasPin: true, hasRecovery: true });
    const r = await post(c, 'sign/message', { walletId: evm.id, message: 'x' });
    expect(r.status).toBe(404);
    expect(await challengeCount(c)).toBe(0);
  });
});
