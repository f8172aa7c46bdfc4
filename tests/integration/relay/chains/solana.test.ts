/**
 * Solana end to end: a SOL transfer built by the relay's adapter against a JSON-RPC server in front
 * of litesvm (which executes it, signatures verified), signed with a local ed25519 key standing in
 * for the FROST signature, broadcast and tracked to `confirmed`.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Address } from '@solana/kit';
import { Keypair, PublicKey, SystemProgram, Transaction, TransactionInstruction } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  associatedTokenAddress,
  solanaAddressFromPublicKey,
  TOKEN_PROGRAM,
} from '../../../../protocol/chains/solana/address.js';
import { createAssociatedTokenAccountIdempotentInstruction } from '../../../../protocol/chains/solana/transaction.js';
import type { ChainSignature, SigningRequest } from '../../../../protocol/chains/types.js';
import { type LiteSvmRpc, startLiteSvmRpc } from '../../../helpers/chains/litesvm-rpc.js';
import { type SeededWallet, seedWallet, waitForStatus } from '../../../helpers/chains/wallets.js';
import { startTestRelay, type TestRelay } from '../../../helpers/relay.js';

const seed = ed25519.utils.randomSecretKey();
const publicKey = ed25519.getPublicKey(seed);
const address = solanaAddressFromPublicKey(publicKey);
const RECIPIENT = solanaAddressFromPublicKey(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));

function sign(request: SigningRequest): ChainSignature {
  if (request.scheme !== 'ed25519') throw new Error(`unexpected scheme ${request.scheme}`);
  return { scheme: 'ed25519', signature: bytesToHex(ed25519.sign(request.message, seed)) };
}

let rpc: LiteSvmRpc;
let relay: TestRelay;
let seeded: SeededWallet;

beforeAll(async () => {
  rpc = await startLiteSvmRpc();
  rpc.airdrop(address, 5_000_000_000n);
  process.env.TANDEM_RPC_SOL_LOCAL = rpc.url;
  process.env.TANDEM_CHAIN_POLL_MS = '100';
  relay = await startTestRelay();
  seeded = await seedWallet(relay, {
    blockchain: 'SOL-LOCAL',
    address,
    publicKey: bytesToHex(publicKey),
    derivationPath: "m/44'/501'/0'/0'",
    keyFamily: 'solana',
  });
});

afterAll(async () => {
  await relay?.stop();
  await rpc?.stop();
});

describe('Solana transfer through litesvm', () => {
  it('SOL transfer is executed by litesvm and tracked to confirmed', async () => {
    const prepared = await relay.chains.prepareTransfer({
      ...seeded,
      feeLevel: 'medium',
      payload: { destinationAddress: RECIPIENT, amounts: ['1.5'] },
    });
    expect(prepared.requests).toHaveLength(1);
    expect(prepared.requests[0]).toMatchObject({
      scheme: 'ed25519',
      keyFamily: 'solana',
      account: 0,
      derivationPath: "m/44'/501'/0'/0'",
    });
    expect(prepared.description).toMatchObject({
      kind: 'native-transfer',
      to: RECIPIENT,
      amount: { formatted: '1.5', symbol: 'SOL' },
    });
    const done = await relay.chains.finalizeAndBroadcast(prepared.transaction.id, prepared.requests.map(sign));
    expect(done.status).toBe('broadcast');
    const final = await waitForStatus(relay, done.id, 'confirmed');
    expect(final.status).toBe('confirmed');
    expect(rpc.svm.getBalance(RECIPIENT as Address)).toBe(1_500_000_000n);
    expect(rpc.calls).toContain('getSignatureStatuses');
  });

  it('SPL transfer (ATA create-idempotent + TransferChecked) executes on the real token program', async () => {
    // Set-up with web3.js: a mint with 6 decimals, the wallet's token account, 10 tokens minted to it.
    const funder = Keypair.generate();
    const mint = Keypair.generate();
    rpc.airdrop(funder.publicKey.toBase58(), 2_000_000_000n);
    const token = new PublicKey(TOKEN_PROGRAM);
    const walletAta = new PublicKey(associatedTokenAddress(address, mint.publicKey.toBase58()));
    const initMint = new TransactionInstruction({
      programId: token,
      keys: [{ pubkey: mint.publicKey, isSigner: false, isWritable: true }],
      data: Buffer.from([20, 6, ...funder.publicKey.toBytes(), 0]), // InitializeMint2, no freeze authority
    });
    const createAta = createAssociatedTokenAccountIdempotentInstruction(
      funder.publicKey.toBase58(),
      address,
      mint.publicKey.toBase58(),
    );
    const mintTo = new TransactionInstruction({
      programId: token,
      keys: [
        { pubkey: mint.publicKey, isSigner: false, isWritable: true },
        { pubkey: walletAta, isSigner: false, isWritable: true },
        { pubkey: funder.publicKey, isSigner: true, isWritable: false },
      ],
      data: Buffer.from([7, ...new Uint8Array(new BigUint64Array([10_000_000n]).buffer)]),
    });
    const setup = new Transaction({
      feePayer: funder.publicKey,
      blockhash: rpc.svm.latestBlockhash(),
      lastValidBlockHeight: 1,
    }).add(
      SystemProgram.createAccount({
        fromPubkey: funder.publicKey,
        newAccountPubkey: mint.publicKey,
        lamports: 10_000_000,
        space: 82,
        programId: token,
      }),
      initMint,
      new TransactionInstruction({
        programId: new PublicKey(createAta.programId),
        keys: createAta.accounts.map((a) => ({
          pubkey: new PublicKey(a.pubkey),
          isSigner: a.isSigner,
          isWritable: a.isWritable,
        })),
        data: Buffer.from(createAta.data, 'hex'),
      }),
      mintTo,
    );
    setup.sign(funder, mint);
    rpc.execute(setup.serialize());

    const prepared = await relay.chains.prepareTransfer({
      ...seeded,
      feeLevel: 'low',
      payload: { destinationAddress: RECIPIENT, tokenAddress: mint.publicKey.toBase58(), amounts: ['2.5'] },
    });
    expect(prepared.description).toMatchObject({
      kind: 'token-transfer',
      to: RECIPIENT,
      amount: { raw: '2500000', decimals: 6 },
    });
    const done = await relay.chains.finalizeAndBroadcast(prepared.transaction.id, prepared.requests.map(sign));
    expect(done.status).toBe('broadcast');
    expect((await waitForStatus(relay, done.id, 'confirmed')).status).toBe('confirmed');
    const recipientAta = associatedTokenAddress(RECIPIENT, mint.publicKey.toBase58()) as Address;
    const data = rpc.svm.getAccount(recipientAta);
    if (!data.exists) throw new Error('recipient token account missing');
    expect(new DataView(data.data.buffer, data.data.byteOffset + 64, 8).getBigUint64(0, true)).toBe(2_500_000n);
  });

  it('a transfer above the balance is rejected by the node and marked failed', async () => {
    const prepared = await relay.chains.prepareTransfer({
      ...seeded,
      feeLevel: 'low',
      payload: { destinationAddress: RECIPIENT, amounts: ['100'] },
    });
    const done = await relay.chains.finalizeAndBroadcast(prepared.transaction.id, prepared.requests.map(sign));
    expect(done.status).toBe('failed');
    expect(done.errorReason).toMatch(/broadcast rejected/);
  });

  it('balances endpoint reads lamports from the node', async () => {
    const r = await relay.call('GET', `/v2/wallets/${seeded.walletId}/balances`);
    expect(r.status).toBe(200);
    expect(r.json.data.balances[0]).toMatchObject({ symbol: 'SOL', decimals: 9, isNative: true });
    expect(BigInt(r.json.data.balances[0].amount)).toBe(rpc.svm.getBalance(address as Address));
  });

  it('refuses a destination that is not a Solana address (400 naming the field)', async () => {
    const r = await relay.call('POST', '/v2/transactions/transfer/estimate-fee', {
      walletId: seeded.walletId,
      destinationAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      amounts: ['1'],
    });
    expect(r.status).toBe(400);
    expect(r.json.error.issues[0].path).toBe('destinationAddress');
  });

  it('refuses contract execution on Solana (422)', async () => {
    const r = await relay.call('POST', '/v2/transactions/contract-execution/estimate-fee', {
      walletId: seeded.walletId,
      contractAddress: RECIPIENT,
      abiFunctionSignature: 'f()',
      abiParameters: [],
    });
    expect(r.status).toBe(422);
  });
});
