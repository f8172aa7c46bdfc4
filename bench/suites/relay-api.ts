/**
 * relay.challenge.create: challenge creations per second over loopback HTTP, 32 requests in flight,
 * against a relay on a fresh PGlite directory running in its own process (as in production; the load
 * generator does not share its CPU). Each request is a full transfer challenge: API-key check, rate
 * limit, idempotency key, customer and wallet lookup, address checks, the challenge row and its audit
 * entry. Target (issue 6): ≥ 300/s.
 *
 * This file is also the relay child: run with TANDEM_BENCH_RELAY_CHILD=1 it starts the relay, seeds a
 * customer with a wallet, prints one JSON line ({ url, apiKey, customerId, walletId }) and waits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../relay/config.js';
import { startRelay } from '../../relay/server.js';
import { insertWallet } from '../../relay/wallets/store.js';
import { type Benchmark, round } from '../harness.js';

const CONCURRENCY = 32;
const ROUNDS = 5;
const PER_ROUND = 400;
const TARGET_PER_SECOND = 300;

interface ChildInfo {
  url: string;
  apiKey: string;
  customerId: string;
  walletId: string;
}

async function runChild() {
  const dataDir = process.env.TANDEM_BENCH_DATA_DIR as string;
  const apiKey = `tdm_bench_${crypto.randomUUID().replaceAll('-', '')}`;
  const relay = await startRelay(
    loadConfig({ PORT: '0', TANDEM_DATA_DIR: dataDir, TANDEM_API_KEY: apiKey }),
    () => undefined,
  );
  const org = await relay.db.query<{ id: string }>('SELECT organisation_id AS id FROM api_keys LIMIT 1');
  const organisationId = org.rows[0]?.id as string;
  const customerId = crypto.randomUUID();
  await relay.db.query(
    `INSERT INTO customers (id, organisation_id, name, ref_id, has_pin, has_recovery) VALUES ($1, $2, 'Bench', 'bench-1', true, true)`,
    [customerId, organisationId],
  );
  const wallet = await relay.db.transaction((tx) =>
    insertWallet(tx, {
      organisationId,
      customerId,
      blockchain: 'ETH-SEPOLIA',
      keyFamily: 'evm',
      address: `0x${'42'.repeat(20)}`,
      publicKey: `02${'ab'.repeat(32)}`,
      derivationPath: 'm/0/0',
    }),
  );
  const info: ChildInfo = { url: relay.url, apiKey, customerId, walletId: wallet.id };
  console.log(JSON.stringify(info));
  process.on('SIGTERM', () => {
    void relay.close().then(() => process.exit(0));
  });
}

if (process.env.TANDEM_BENCH_RELAY_CHILD === '1') await runChild();

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** user+system CPU milliseconds of a process, from /proc (Linux). */
function processCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, USER_HZ = 100
  } catch {
    return undefined;
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'relay.challenge.create',
    async run() {
      const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-api-'));
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
        env: { ...process.env, TANDEM_BENCH_RELAY_CHILD: '1', TANDEM_BENCH_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const info = await new Promise<ChildInfo>((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`bench relay exited with ${code}`)));
          createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
            if (line.startsWith('{')) resolve(JSON.parse(line) as ChildInfo);
          });
        });
        const target = new URL(`${info.url}/v2/customers/${info.customerId}/transactions/transfer`);
        const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
        const latencies: number[] = [];
        let failures = 0;
        const one = () =>
          new Promise<void>((resolve, reject) => {
            const body = JSON.stringify({
              walletId: info.walletId,
              destinationAddress: `0x${'11'.repeat(20)}`,
              amounts: ['0.01'],
              feeLevel: 'medium',
              redirectUrl: 'https://shop.example/done',
              idempotencyKey: crypto.randomUUID(),
            });
            const t0 = performance.now();
            const req = request(
              target,
              {
                method: 'POST',
                agent,
                headers: {
                  'X-API-Key': info.apiKey,
                  'Content-Type': 'application/json',
                  'Content-Length': Buffer.byteLength(body),
                },
              },
              (res) => {
                res.resume();
                res.on('end', () => {
                  latencies.push(performance.now() - t0);
                  if (res.statusCode !== 201) failures++;
                  resolve();
                });
              },
            );
            req.on('error', reject);
            req.end(body);
          });
        const runRound = async (count: number) => {
          let next = 0;
          const t0 = performance.now();
          await Promise.all(
            Array.from({ length: CONCURRENCY }, async () => {
              while (next < count) {
                next++;
                await one();
              }
            }),
          );
          return (count * 1000) / (performance.now() - t0);
        };
        await runRound(300); // warm-up: JIT, sockets, PGlite caches
        latencies.length = 0;
        failures = 0;
        const cpu0 = processCpuMs(child.pid as number);
        const rates: number[] = [];
        for (let i = 0; i < ROUNDS; i++) rates.push(await runRound(PER_ROUND));
        const cpu1 = processCpuMs(child.pid as number);
        agent.destroy();
        const relayCpuMsPerRequest =
          cpu0 === undefined || cpu1 === undefined ? undefined : (cpu1 - cpu0) / (ROUNDS * PER_ROUND);
        const sortedRates = [...rates].sort((a, b) => a - b);
        const sortedLatency = [...latencies].sort((a, b) => a - b);
        const median = round(quantile(sortedRates, 0.5), 1);
        return {
          name: 'relay.challenge.create',
          unit: 'req/s',
          median,
          // Throughput's slow tail: the rate of the slowest round.
          p95: round(sortedRates[0] as number, 1),
          n: ROUNDS * PER_ROUND,
          extra: {
            concurrency: CONCURRENCY,
            rounds: ROUNDS,
            requestsPerRound: PER_ROUND,
            latencyP50Ms: round(quantile(sortedLatency, 0.5), 2),
            latencyP95Ms: round(quantile(sortedLatency, 0.95), 2),
            failures,
            // The relay process's CPU per request does not depend on what else the machine runs.
            relayCpuMsPerRequest: relayCpuMsPerRequest === undefined ? null : round(relayCpuMsPerRequest, 3),
            database: 'pglite',
            targetPerSecond: TARGET_PER_SECOND,
            meetsTarget: median >= TARGET_PER_SECOND,
          },
        };
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  },
];
