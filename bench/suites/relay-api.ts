/**
 * relay.challenge.create: challenge creations per second over loopback HTTP, 32 requests in flight,
 * against a relay on a fresh PGlite directory. Each request is a full transfer challenge: API-key
 * lookup, rate limit, idempotency key, customer and wallet lookups, address checks, the challenge row
 * and its audit entry in one transaction. Target (issue 6): ≥ 300/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../relay/config.js';
import { startRelay } from '../../relay/server.js';
import { insertWallet } from '../../relay/wallets/store.js';
import { type Benchmark, round } from '../harness.js';

const CONCURRENCY = 32;
const ROUNDS = 5;
const PER_ROUND = 400;
const TARGET_PER_SECOND = 300;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'relay.challenge.create',
    async run() {
      const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-api-'));
      const apiKey = `tdm_bench_${crypto.randomUUID().replaceAll('-', '')}`;
      const relay = await startRelay(
        { ...loadConfig({ PORT: '0', TANDEM_DATA_DIR: dataDir, TANDEM_API_KEY: apiKey }), api: {} },
        () => undefined,
      );
      try {
        const headers = { 'X-API-Key': apiKey, 'Content-Type': 'application/json' };
        const created = await fetch(`${relay.url}/v2/customers`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'Bench', refId: 'bench-1' }),
        }).then((r) => r.json() as Promise<{ data: { id: string } }>);
        const customerId = created.data.id;
        await relay.db.query('UPDATE customers SET has_pin = true, has_recovery = true WHERE id = $1', [customerId]);
        const org = await relay.db.query<{ organisation_id: string }>(
          'SELECT organisation_id FROM customers WHERE id = $1',
          [customerId],
        );
        const wallet = await relay.db.transaction((tx) =>
          insertWallet(tx, {
            organisationId: org.rows[0]?.organisation_id as string,
            customerId,
            blockchain: 'ETH-SEPOLIA',
            keyFamily: 'evm',
            address: `0x${'42'.repeat(20)}`,
            publicKey: `02${'ab'.repeat(32)}`,
            derivationPath: 'm/0/0',
          }),
        );
        const url = `${relay.url}/v2/customers/${customerId}/transactions/transfer`;
        const latencies: number[] = [];
        let failures = 0;
        const one = async () => {
          const t0 = performance.now();
          const res = await fetch(url, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              walletId: wallet.id,
              destinationAddress: `0x${'11'.repeat(20)}`,
              amounts: ['0.01'],
              feeLevel: 'medium',
              redirectUrl: 'https://shop.example/done',
              idempotencyKey: crypto.randomUUID(),
            }),
          });
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (res.status !== 201) failures++;
        };
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
        await runRound(200); // warm-up: JIT, connection pool, PGlite caches
        latencies.length = 0;
        failures = 0;
        const rates: number[] = [];
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < ROUNDS; i++) rates.push(await runRound(PER_ROUND));
        const cpu = process.cpuUsage(cpu0);
        // CPU time of this process (relay and load generator together) per request: a figure that does
        // not depend on what else the machine is running, unlike the wall-clock rate.
        const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / (ROUNDS * PER_ROUND);
        const sortedRates = [...rates].sort((a, b) => a - b);
        const sortedLatency = [...latencies].sort((a, b) => a - b);
        const median = round(quantile(sortedRates, 0.5), 1);
        return {
          name: 'relay.challenge.create',
          unit: 'req/s',
          median,
          // Throughput's "p95" is the slow tail: the rate of the slowest round.
          p95: round(sortedRates[0] as number, 1),
          n: ROUNDS * PER_ROUND,
          extra: {
            concurrency: CONCURRENCY,
            rounds: ROUNDS,
            requestsPerRound: PER_ROUND,
            latencyP50Ms: round(quantile(sortedLatency, 0.5), 2),
            latencyP95Ms: round(quantile(sortedLatency, 0.95), 2),
            failures,
            cpuMsPerRequest: round(cpuMsPerRequest, 3),
            projectedPerSecondOnOneIdleCore: round(1000 / cpuMsPerRequest, 0),
            database: relay.db.kind,
            targetPerSecond: TARGET_PER_SECOND,
            meetsTarget: median >= TARGET_PER_SECOND,
          },
        };
      } finally {
        await relay.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  },
];
