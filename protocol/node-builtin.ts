/**
 * A Node built-in module when this code runs in Node (the relay, the tests), else undefined (the
 * extension). `process.getBuiltinModule` is synchronous and needs no import, so bundles for the
 * browser never reference the module: protocol code stays portable and only takes native speed-ups
 * (SHA-256, hex) where they exist, always with an equivalent JavaScript path held to it by tests.
 */
export function nodeBuiltin<T>(id: 'node:crypto' | 'node:buffer', has: (module: T) => boolean): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = proc?.getBuiltinModule?.(id) as T | undefined;
  return module !== undefined && has(module) ? module : undefined;
}
