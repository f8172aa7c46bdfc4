/**
 * `npm run bench [-- PREFIX]`: runs benchmarks, prints one JSON object per line, and merges the
 * results into bench/results.json (cases not run keep their previous entry).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext, Benchmark, BenchResult } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const prefix = process.argv[2] ?? '';

async function loadBenchmarks(): Promise<Benchmark[]> {
  const dir = join(here, 'suites');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const all: Benchmark[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { benchmarks?: Benchmark[] };
    all.push(...(mod.benchmarks ?? []));
  }
  return all;
}

const all = await loadBenchmarks();
const baselineNames = new Set(all.filter((b) => b.name.startsWith('baseline.')).map((b) => b.name));
// Baselines always run first so every ratio is taken against figures from the same run.
const selected = all.filter((b) => b.name.startsWith(prefix) || baselineNames.has(b.name));
if (selected.length === baselineNames.size && prefix && !prefix.startsWith('baseline')) {
  console.error(`no benchmark name starts with "${prefix}"; known: ${all.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const context: BenchContext = { results: new Map<string, BenchResult>() };
const ordered = [
  ...selected.filter((b) => baselineNames.has(b.name)),
  ...selected.filter((b) => !baselineNames.has(b.name)),
];
for (const bench of ordered) {
  const result = await bench.run(context);
  context.results.set(result.name, result);
  console.log(JSON.stringify(result));
}

const resultsPath = join(here, 'results.json');
const previous: Record<string, BenchResult> = existsSync(resultsPath)
  ? (JSON.parse(readFileSync(resultsPath, 'utf8')).results ?? {})
  : {};
for (const [name, r] of context.results) previous[name] = r;
const doc = {
  machine: { node: process.version, platform: process.platform, arch: process.arch },
  updatedAt: new Date().toISOString(),
  results: Object.fromEntries(Object.entries(previous).sort(([a], [b]) => a.localeCompare(b))),
};
writeFileSync(resultsPath, `${JSON.stringify(doc, null, 2)}\n`);
