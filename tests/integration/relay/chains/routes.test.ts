/**
 * The chain read endpoints' refusals over real HTTP: authentication, organisation scoping, unknown
 * ids, bad fields, and a chain node that does not answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../helpers/chains/anvil.js';
import { type SeededWallet, seedWallet } from '../../../helpers/chains/wallets.js';
import { startTestRelay, type TestRelay } from '../../../helpers/relay.js';

let relay: TestRelay;
let seeded: SeededWallet;
const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

beforeAll(async () => {
  // Nothing listens on this port: the EVM-LOCAL node is "down".
  process.env.TANDEM_RPC_EVM_LOCAL = `http://127.0.0.1:${await freePort()}`;
  relay = await startTestRelay();
  seeded = await seedWallet(relay, {
    blockchain: 'EVM-LOCAL',
    address: ADDRESS,
    publicKey: '038318535b54105d4a7aae60c08fc45f9687181b4fdfc625bd1a753fa7397fed75',
    derivationPath: 'm/0/0',
    keyFamily: 'evm',
  });
});

afterAll(async () => {
  await relay?.stop();
});

describe('chain endpoints', () => {
  it('GET /v2/config/chains lists chains with features and no RPC URLs', async () => {
    const r = await relay.call('GET', '/v2/config/chains');
    expect(r.status).toBe(200);
    const eth = r.json.data.chains.find((c: { id: string }) => c.id === 'ETH');
    expect(eth).toMatchObject({
      family: 'evm',
      evmChainId: 1,
      nativeCurrency: { symbol: 'ETH', decimals: 18 },
      features: { contractExecution: true, signTypedData: true },
    });
    // Bitcoin: wallet-create gives a P2WPKH and a P2TR wallet; message signing is P2WPKH only.
    const btc = r.json.data.chains.find((c: { id: string }) => c.id === 'BTC-TESTNET');
    expect(btc).toMatchObject({ family: 'bitcoin', addressTypes: ['p2wpkh', 'p2tr'] });
    expect(eth).not.toHaveProperty('addressTypes');
    expect(JSON.stringify(r.json)).not.toContain('rpcUrl');
    expect(JSON.stringify(r.json)).not.toContain('127.0.0.1');
  });

  it('documents every chain route in /v2/openapi.json', async () => {
    const doc = await (await fetch(`${relay.url}/v2/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/config/chains',
        '/wallets/{id}/balances',
        '/transactions',
        '/transactions/{id}',
        '/transactions/transfer/estimate-fee',
        '/transactions/contract-execution/estimate-fee',
        '/transactions/validate-address',
      ]),
    );
  });

  it('validates addresses per chain, normalising EVM checksums', async () => {
    const ok = await relay.call('POST', '/v2/transactions/validate-address', {
      blockchain: 'ETH',
      address: ADDRESS.toLowerCase(),
    });
    expect(ok.json.data).toMatchObject({ isValid: true, normalized: ADDRESS });
    const btc = await relay.call('POST', '/v2/transactions/validate-address', {
      blockchain: 'BTC',
      address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
    });
    expect(btc.json.data.isValid).toBe(false);
    const near = await relay.call('POST', '/v2/transactions/validate-address', {
      blockchain: 'NEAR',
      address: 'alice.near',
    });
    expect(near.json.data.isValid).toBe(true);
  });

  it('refuses address validation on an unknown blockchain (422)', async () => {
    const r = await relay.call('POST', '/v2/transactions/validate-address', { blockchain: 'DOGE', address: 'x' });
    expect(r.status).toBe(422);
  });

  it('refuses GET /v2/config/chains without an API key (401)', async () => {
    const res = await fetch(`${relay.url}/v2/config/chains`);
    expect(res.status).toBe(401);
  });

  it('refuses GET /v2/transactions with an unknown API key (401)', async () => {
    const r = await relay.call('GET', '/v2/transactions', undefined, {
      'X-API-Key': 'tdm_unknown_key_000000000000000000',
    });
    expect(r.status).toBe(401);
  });

  it('refuses balances of an unknown wallet (404)', async () => {
    const r = await relay.call('GET', `/v2/wallets/${crypto.randomUUID()}/balances`);
    expect(r.status).toBe(404);
  });

  it('refuses a wallet id that is not a UUID (400)', async () => {
    const r = await relay.call('GET', '/v2/wallets/not-a-uuid/balances');
    expect(r.status).toBe(400);
  });

  it('answers 502 when the chain node is unreachable, without leaking its URL', async () => {
    const r = await relay.call('GET', `/v2/wallets/${seeded.walletId}/balances`);
    expect(r.status).toBe(502);
    expect(r.json.error.code).toBe('chain_unavailable');
    expect(r.json.message).not.toContain('127.0.0.1');
  });

  it('refuses an unknown transaction (404)', async () => {
    const r = await relay.call('GET', `/v2/transactions/${crypto.randomUUID()}`);
    expect(r.status).toBe(404);
  });

  it('refuses an unknown list filter (400)', async () => {
    const r = await relay.call('GET', '/v2/transactions?colour=red');
    expect(r.status).toBe(400);
  });

  it('refuses walletIds that are not ids (400)', async () => {
    const r = await relay.call('GET', '/v2/transactions?walletIds=abc,def');
    expect(r.status).toBe(400);
  });

  it('refuses a fee estimate with two amounts (400)', async () => {
    const r = await relay.call('POST', '/v2/transactions/transfer/estimate-fee', {
      walletId: seeded.walletId,
      destinationAddress: ADDRESS,
      amounts: ['1', '2'],
    });
    expect(r.status).toBe(400);
    expect(r.json.error.issues[0].path).toBe('amounts');
  });

  it('refuses a fee estimate with both tokenId and tokenAddress (400)', async () => {
    const r = await relay.call('POST', '/v2/transactions/transfer/estimate-fee', {
      walletId: seeded.walletId,
      destinationAddress: ADDRESS,
      tokenId: 'X',
      tokenAddress: ADDRESS,
      amounts: ['1'],
    });
    expect(r.status).toBe(400);
  });

  it('refuses a fee estimate with an unknown tokenId (400)', async () => {
    const r = await relay.call('POST', '/v2/transactions/transfer/estimate-fee', {
      walletId: seeded.walletId,
      destinationAddress: ADDRESS,
      tokenId: 'EVM-LOCAL:NOPE',
      amounts: ['1'],
    });
    expect(r.status).toBe(400);
    expect(r.json.error.issues[0].path).toBe('tokenId');
  });

  it('refuses an amount with more decimals than the asset has (400)', async () => {
    const r = await relay.call('POST', '/v2/transactions/transfer/estimate-fee', {
      walletId: seeded.walletId,
      destinationAddress: ADDRESS,
      amounts: ['0.0000000000000000001'],
    });
    expect(r.status).toBe(400);
    expect(r.json.error.issues[0].path).toBe('amounts.0');
  });

  it('refuses a malformed ABI signature in a contract estimate (400)', async () => {
    const r = await relay.call('POST', '/v2/transactions/contract-execution/estimate-fee', {
      walletId: seeded.walletId,
      contractAddress: ADDRESS,
      abiFunctionSignature: 'transfer(address,uint999)',
      abiParameters: [],
    });
    expect(r.status).toBe(400);
    expect(r.json.error.issues[0].path).toBe('abiFunctionSignature');
  });

  it('refuses an ABI parameter that does not fit its type (400 naming it)', async () => {
    const r = await relay.call('POST', '/v2/transactions/contract-execution/estimate-fee', {
      walletId: seeded.walletId,
      contractAddress: ADDRESS,
      abiFunctionSignature: 'transfer(address,uint256)',
      abiParameters: ['not-an-address', '1'],
    });
    expect(r.status).toBe(400);
    expect(r.json.error.issues[0].path).toBe('abiParameters.0');
  });

  it("does not show another organisation's wallet (404)", async () => {
    const other = await relay.db.query<{ id: string }>(
      `INSERT INTO organisations (id, name) VALUES ($1, 'Other') RETURNING id`,
      [crypto.randomUUID()],
    );
    const otherOrg = other.rows[0]?.id as string;
    const customer = await relay.db.query<{ id: string }>(
      `INSERT INTO customers (id, organisation_id, name, ref_id) VALUES ($1, $2, 'O', 'o') RETURNING id`,
      [crypto.randomUUID(), otherOrg],
    );
    const wallet = await relay.db.query<{ id: string }>(
      `INSERT INTO wallets (id, organisation_id, customer_id, blockchain, address, public_key, derivation_path, key_family)
       VALUES ($1, $2, $3, 'EVM-LOCAL', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '00', 'm/0/0', 'evm') RETURNING id`,
      [crypto.randomUUID(), otherOrg, customer.rows[0]?.id],
    );
    const balances = await relay.call('GET', `/v2/wallets/${wallet.rows[0]?.id}/balances`);
    expect(balances.status).toBe(404);
    const estimate = await relay.call('POST', '/v2/transactions/transfer/estimate-fee', {
      walletId: wallet.rows[0]?.id,
      destinationAddress: ADDRESS,
      amounts: ['1'],
    });
    expect(estimate.status).toBe(404);
  });
});
