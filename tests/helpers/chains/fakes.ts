/**
 * Local HTTP fakes for the chains with no local node here: an Esplora REST API (Bitcoin) and a NEAR
 * JSON-RPC endpoint. They answer with the real response shapes and check what they are sent (the
 * Bitcoin fake verifies every P2WPKH/P2TR witness signature against the UTXOs it handed out; the NEAR
 * fake verifies the ed25519 signature over SHA-256 of the borsh transaction), so the adapters are
 * exercised against honest behaviour, but they are fakes: no consensus, no mempool policy.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import * as bitcoin from 'bitcoinjs-lib';

function listen(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => handler(req, body, res));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }),
    ),
  );
}

export interface FakeUtxo {
  txid: string;
  vout: number;
  value: number;
  script: Uint8Array;
}

export interface FakeEsplora {
  url: string;
  utxos: Map<string, FakeUtxo[]>;
  /** txid → raw hex of accepted transactions. */
  accepted: Map<string, string>;
  /** Mines everything accepted so far into one block. */
  mine(): void;
  stop(): Promise<void>;
}

export async function startFakeEsplora(): Promise<FakeEsplora> {
  const utxos = new Map<string, FakeUtxo[]>();
  const accepted = new Map<string, string>();
  const confirmedAt = new Map<string, number>();
  let height = 100;

  function verify(raw: string): string {
    const tx = bitcoin.Transaction.fromHex(raw);
    const all = [...utxos.values()].flat();
    const prevs = tx.ins.map((input) => {
      const txid = bytesToHex(Uint8Array.from(input.hash).reverse());
      const prev = all.find((u) => u.txid === txid && u.vout === input.index);
      if (!prev) throw new Error(`bad-txns-inputs-missingorspent ${txid}:${input.index}`);
      return prev;
    });
    tx.ins.forEach((input, i) => {
      const prev = prevs[i] as FakeUtxo;
      if (prev.script[0] === 0x00) {
        const [sig, pub] = input.witness as [Uint8Array, Uint8Array];
        const scriptCode = bitcoin.payments.p2pkh({ pubkey: pub }).output as Uint8Array;
        const hash = tx.hashForWitnessV0(i, scriptCode, BigInt(prev.value), bitcoin.Transaction.SIGHASH_ALL);
        const compact = secp256k1.Signature.fromBytes(sig.subarray(0, -1), 'der').toBytes('compact');
        if (!secp256k1.verify(compact, hash, pub, { prehash: false }))
          throw new Error(`mandatory-script-verify-flag-failed input ${i}`);
      } else {
        const hash = tx.hashForWitnessV1(
          i,
          prevs.map((p) => p.script),
          prevs.map((p) => BigInt(p.value)),
          bitcoin.Transaction.SIGHASH_DEFAULT,
        );
        const sig = input.witness[0] as Uint8Array;
        if (!schnorr.verify(sig, hash, prev.script.subarray(2)))
          throw new Error(`mandatory-script-verify-flag-failed input ${i}`);
      }
    });
    return tx.getId();
  }

  const { server, url } = await listen((req, body, res) => {
    const path = (req.url ?? '').split('?')[0] as string;
    const json = (v: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    const get = req.method === 'GET';
    const utxoPath = get ? /^\/address\/([^/]+)\/utxo$/.exec(path) : null;
    const addressPath = get ? /^\/address\/([^/]+)$/.exec(path) : null;
    const statusPath = get ? /^\/tx\/([0-9a-f]{64})\/status$/.exec(path) : null;
    if (req.method === 'GET' && path === '/fee-estimates') return json({ '1': 25.3, '2': 20.1, '6': 8.7, '144': 1.2 });
    if (req.method === 'GET' && path === '/blocks/tip/height') return res.writeHead(200).end(String(height));
    if (utxoPath) {
      return json(
        (utxos.get(utxoPath[1] as string) ?? []).map((u) => ({
          txid: u.txid,
          vout: u.vout,
          value: u.value,
          status: { confirmed: true, block_height: 50 },
        })),
      );
    }
    if (addressPath) {
      const sum = (utxos.get(addressPath[1] as string) ?? []).reduce((s, u) => s + u.value, 0);
      return json({
        address: addressPath[1],
        chain_stats: { funded_txo_sum: sum, spent_txo_sum: 0, tx_count: 1 },
        mempool_stats: { funded_txo_sum: 0, spent_txo_sum: 0, tx_count: 0 },
      });
    }
    if (statusPath) {
      const id = statusPath[1] as string;
      if (!accepted.has(id)) return res.writeHead(404).end('Transaction not found');
      const h = confirmedAt.get(id);
      return json(
        h === undefined
          ? { confirmed: false }
          : { confirmed: true, block_height: h, block_hash: '00'.repeat(32), block_time: 1_700_000_000 },
      );
    }
    if (req.method === 'POST' && path === '/tx') {
      try {
        const id = verify(body.trim());
        accepted.set(id, body.trim());
        return res.writeHead(200).end(id);
      } catch (error) {
        return res.writeHead(400).end(`sendrawtransaction RPC error: ${(error as Error).message}`);
      }
    }
    res.writeHead(404).end('not found');
  });
  return {
    url,
    utxos,
    accepted,
    mine() {
      height += 1;
      for (const id of accepted.keys()) if (!confirmedAt.has(id)) confirmedAt.set(id, height);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface FakeNear {
  url: string;
  /** account id → yoctoNEAR balance; accounts with an access key for `publicKey` (ed25519:…). */
  accounts: Map<string, { amount: bigint; publicKey: string; nonce: number }>;
  received: { hash: string; raw: string }[];
  stop(): Promise<void>;
}

const BLOCK_HASH = base58.encode(new Uint8Array(32).fill(7));

export async function startFakeNear(): Promise<FakeNear> {
  const accounts = new Map<string, { amount: bigint; publicKey: string; nonce: number }>();
  const received: { hash: string; raw: string }[] = [];
  const rpcError = (name: string, cause: string) => ({
    name: 'HANDLER_ERROR',
    cause: { name: cause },
    code: -32000,
    message: 'Server error',
    data: name,
  });

  function handle(method: string, params: Record<string, unknown> | unknown[]): unknown {
    if (method === 'gas_price') return { gas_price: '100000000' };
    if (method === 'query') {
      const p = params as Record<string, string>;
      const account = accounts.get(p.account_id as string);
      if (!account) throw rpcError(`account ${p.account_id} does not exist while viewing`, 'UNKNOWN_ACCOUNT');
      if (p.request_type === 'view_account')
        return {
          amount: account.amount.toString(),
          locked: '0',
          code_hash: '11111111111111111111111111111111',
          storage_usage: 182,
          block_height: 10,
          block_hash: BLOCK_HASH,
        };
      if (p.request_type === 'view_access_key') {
        if (p.public_key !== account.publicKey) throw rpcError('access key does not exist', 'UNKNOWN_ACCESS_KEY');
        return { nonce: account.nonce, permission: 'FullAccess', block_height: 10, block_hash: BLOCK_HASH };
      }
      throw rpcError(`unsupported request_type ${p.request_type}`, 'PARSE_ERROR');
    }
    if (method === 'send_tx') {
      const raw = base64.decode((params as Record<string, string>).signed_tx_base64 as string);
      const body = raw.subarray(0, raw.length - 65);
      const signerLength = new DataView(body.buffer, body.byteOffset).getUint32(0, true);
      const publicKey = body.subarray(4 + signerLength + 1, 4 + signerLength + 33);
      const hash = sha256(body);
      if (raw[raw.length - 65] !== 0 || !ed25519.verify(raw.subarray(raw.length - 64), hash, publicKey))
        throw rpcError('invalid signature', 'INVALID_TRANSACTION');
      received.push({ hash: base58.encode(hash), raw: base64.encode(raw) });
      return { final_execution_status: 'NONE' };
    }
    if (method === 'tx') {
      const hash = (params as Record<string, string>).tx_hash;
      if (!received.some((r) => r.hash === hash))
        throw rpcError(`Transaction ${hash} doesn't exist`, 'UNKNOWN_TRANSACTION');
      return {
        final_execution_status: 'EXECUTED_OPTIMISTIC',
        status: { SuccessValue: '' },
        transaction: { hash },
        transaction_outcome: { block_hash: BLOCK_HASH },
        receipts_outcome: [],
      };
    }
    throw { code: -32601, message: `Method not found: ${method}` };
  }

  const { server, url } = await listen((_req, body, res) => {
    const msg = JSON.parse(body) as { id: unknown; method: string; params: Record<string, unknown> };
    let out: unknown;
    try {
      out = { jsonrpc: '2.0', id: msg.id, result: handle(msg.method, msg.params) };
    } catch (error) {
      out = { jsonrpc: '2.0', id: msg.id, error };
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(out));
  });
  return { url, accounts, received, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
