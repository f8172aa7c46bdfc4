#!/usr/bin/env node
/**
 * The npm registry reachable here serves only this platform's optional binaries (e.g. @biomejs/cli-linux-x64),
 * so `npm install` writes a lockfile without the other platforms' entries, and `npm ci` then refuses the lock as
 * out of sync. This adds those entries, marked optional with their os/cpu/libc, so `npm ci` skips them here and a
 * machine on another platform knows what to fetch. Run after changing dependencies: `node scripts/lock-optional-platforms.mjs`.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const path = 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

function platformOf(name) {
  const os = [
    'darwin',
    'linux',
    'win32',
    'android',
    'freebsd',
    'openbsd',
    'netbsd',
    'sunos',
    'aix',
    'openharmony',
  ].find((o) => new RegExp(`(^|[-/])${o}([-]|$)`).test(name));
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].find((c) =>
    new RegExp(`-${c}(-|$)`).test(name),
  );
  if (!os && !cpu) return undefined;
  const entry = {};
  if (os) entry.os = [os];
  if (cpu) entry.cpu = [cpu];
  if (/-musl(-|$)/.test(name)) entry.libc = ['musl'];
  else if (os === 'linux' && /-gnu(-|$)/.test(name)) entry.libc = ['glibc'];
  return entry;
}

let added = 0;
for (const [key, meta] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const base = key === '' ? '' : `${key}/`;
    const candidates = [`${base}node_modules/${dep}`, `node_modules/${dep}`];
    if (candidates.some((c) => packages[c])) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
    packages[`node_modules/${dep}`] = { version, dev: meta.dev || undefined, optional: true, ...platform };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} optional platform entries to ${path}`);
