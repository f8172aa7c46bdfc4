/**
 * A small Solana JSON-RPC server in front of litesvm (an in-process Solana VM; there is no npm
 * Solana validator): getLatestBlockhash, sendTransaction (executed by litesvm, signatures verified),
 * getSignatureStatuses, getBalance, getBlockHeight, getRecentPrioritizationFees, getTokenAccountBalance.
 * Answers use the real RPC shapes so the relay's Solana adapter runs unchanged against it.
 */
import { createServer, type Server } from 'node:http';
import { type Address, getBase58Decoder, getTransactionDecoder, lamports } from '@solana/kit';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';

export interface LiteSvmRpc {
  url: string;
  svm: LiteSVM;
  /** Executes a signed wire transaction directly (test set-up), throwing on failure. */
  execute(wire: Uint8Array): void;
  airdrop(address: string, amount: bigint): void;
  /** Methods called, in order (for assertions). */
  calls: string[];
  stop(): Promise<void>;
}

interface Status {
  slot: number;
  err: unknown;
}

export async function startLiteSvmRpc(): Promise<LiteSvmRpc> {
  const svm = new LiteSVM();
  const statuses = new Map<string, Status>();
  const calls: string[] = [];
  let slot = 1;
  const context = () => ({ apiVersion: '2.2.0', slot });

  function handle(method: string, params: unknown[]): unknown {
    switch (method) {
      case 'getLatestBlockhash':
        return { context: context(), value: { blockhash: svm.latestBlockhash(), lastValidBlockHeight: slot + 150 } };
      case 'getBlockHeight':
        return slot;
      case 'getBalance':
        return { context: context(), value: Number(svm.getBalance(params[0] as Address) ?? 0n) };
      case 'getRecentPrioritizationFees':
        return [];
      case 'getTokenAccountBalance': {
        const account = svm.getAccount(params[0] as Address);
        if (!account.exists || account.data.length < 72)
          throw { code: -32602, message: 'Invalid param: could not find account' };
        const mint = svm.getAccount(getBase58Decoder().decode(account.data.subarray(0, 32)) as Address);
        const decimals = mint.exists ? (mint.data[44] as number) : 0;
        const amount = new DataView(account.data.buffer, account.data.byteOffset + 64, 8)
          .getBigUint64(0, true)
          .toString();
        return { context: context(), value: { amount, decimals, uiAmountString: amount } };
      }
      case 'getTokenSupply': {
        const mint = svm.getAccount(params[0] as Address);
        if (!mint.exists || mint.data.length < 82) throw { code: -32602, message: 'Invalid param: not a Token mint' };
        const amount = new DataView(mint.data.buffer, mint.data.byteOffset + 36, 8).getBigUint64(0, true).toString();
        return { context: context(), value: { amount, decimals: mint.data[44], uiAmountString: amount } };
      }
      case 'sendTransaction': {
        const [encoded, options] = params as [string, { encoding?: string }];
        if (options?.encoding !== 'base64') throw { code: -32602, message: 'this test server takes base64 only' };
        const tx = getTransactionDecoder().decode(Buffer.from(encoded, 'base64'));
        const signature = Object.values(tx.signatures)[0];
        if (!signature) throw { code: -32602, message: 'unsigned transaction' };
        const id = getBase58Decoder().decode(signature);
        const result = svm.sendTransaction(tx);
        if (result instanceof FailedTransactionMetadata) {
          throw {
            code: -32002,
            message: `Transaction simulation failed: ${result.toString().slice(0, 200)}`,
            data: { err: String(result.err()) },
          };
        }
        slot += 1;
        statuses.set(id, { slot, err: null });
        svm.expireBlockhash();
        return id;
      }
      case 'getSignatureStatuses': {
        const [ids] = params as [string[]];
        return {
          context: context(),
          value: ids.map((id) => {
            const s = statuses.get(id);
            return s
              ? { slot: s.slot, confirmations: null, err: s.err, status: { Ok: null }, confirmationStatus: 'finalized' }
              : null;
          }),
        };
      }
      default:
        throw { code: -32601, message: `Method not found: ${method}` };
    }
  }

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      let id: unknown = null;
      try {
        const msg = JSON.parse(body) as { id: unknown; method: string; params?: unknown[] };
        id = msg.id;
        calls.push(msg.method);
        const result = handle(msg.method, msg.params ?? []);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result }));
      } catch (error) {
        const e = error as { code?: number; message?: string; data?: unknown };
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            jsonrpc: '2.0',
            id,
            error: { code: e.code ?? -32603, message: e.message ?? String(error), data: e.data },
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    svm,
    calls,
    execute(wire) {
      const result = svm.sendTransaction(getTransactionDecoder().decode(wire));
      if (result instanceof FailedTransactionMetadata)
        throw new Error(`transaction failed: ${result.toString().slice(0, 300)}`);
      svm.expireBlockhash();
    },
    airdrop(address, amount) {
      const r = svm.airdrop(address as Address, lamports(amount));
      if (r instanceof FailedTransactionMetadata) throw new Error(`airdrop failed: ${r.toString()}`);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
