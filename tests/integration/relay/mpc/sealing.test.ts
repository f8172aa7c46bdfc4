import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import { loadMasterKey, MasterKeyError, masterKeyId } from '../../../../relay/crypto/master-key.js';
import { open, openJson, SealError, seal, sealedKeyId, sealJson } from '../../../../relay/crypto/seal.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-mk-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const context = { table: 'mpc_key_shares', rowId: 'row-1', customerId: 'cust-1', purpose: 'ecdsa2p-share' };

describe('master key', () => {
  it('creates the key file with mode 0600 on first start and reads the same key afterwards', () => {
    const dir = tempDir();
    const first = loadMasterKey({ dataDir: dir });
    expect(first.source).toBe('file-created');
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    const again = loadMasterKey({ dataDir: dir });
    expect(again.source).toBe('file');
    expect(toHex(again.key)).toBe(toHex(first.key));
    expect(again.id).toBe(masterKeyId(first.key));
  });

  it('refuses to start when the key file is group-readable', () => {
    const dir = tempDir();
    loadMasterKey({ dataDir: dir });
    chmodSync(join(dir, 'master.key'), 0o640);
    expect(() => loadMasterKey({ dataDir: dir })).toThrow(MasterKeyError);
    expect(() => loadMasterKey({ dataDir: dir })).toThrow(/chmod 600/);
  });

  it('refuses to start when the key file is world-readable', () => {
    const dir = tempDir();
    loadMasterKey({ dataDir: dir });
    chmodSync(join(dir, 'master.key'), 0o604);
    expect(() => loadMasterKey({ dataDir: dir })).toThrow(MasterKeyError);
  });

  it('refuses a key file with the wrong length', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'master.key'), 'abcd\n', { mode: 0o600 });
    expect(() => loadMasterKey({ dataDir: dir })).toThrow(/32 bytes/);
  });

  it('takes TANDEM_MASTER_KEY as hex or base64 and never writes a file then', () => {
    const dir = tempDir();
    const hex = '7f'.repeat(32);
    const fromHexKey = loadMasterKey({ envValue: hex, dataDir: dir });
    const fromB64 = loadMasterKey({ envValue: Buffer.from(hex, 'hex').toString('base64'), dataDir: dir });
    expect(fromHexKey.source).toBe('env');
    expect(fromB64.id).toBe(fromHexKey.id);
    expect(() => readFileSync(join(dir, 'master.key'))).toThrow();
  });

  it('refuses a malformed TANDEM_MASTER_KEY', () => {
    expect(() => loadMasterKey({ envValue: 'not-a-key', dataDir: tempDir() })).toThrow(/TANDEM_MASTER_KEY/);
  });
});

describe('seal / open', () => {
  const key = loadMasterKey({ envValue: '01'.repeat(32), dataDir: '/nonexistent' });
  const other = loadMasterKey({ envValue: '02'.repeat(32), dataDir: '/nonexistent' });
  const secret = new TextEncoder().encode('server share x_S');

  it('round-trips and records the key id', () => {
    const sealed = seal(key, secret, context);
    expect(sealedKeyId(sealed)).toBe(key.id);
    expect(new TextDecoder().decode(open(key, sealed, context))).toBe('server share x_S');
    expect(openJson(key, sealJson(key, { a: 1 }, context), context)).toEqual({ a: 1 });
  });

  it('uses a fresh nonce per seal', () => {
    expect(toHex(seal(key, secret, context))).not.toBe(toHex(seal(key, secret, context)));
  });

  it('refuses another row id (wrong AAD)', () => {
    expect(() => open(key, seal(key, secret, context), { ...context, rowId: 'row-2' })).toThrow(SealError);
  });

  it('refuses another customer (wrong AAD)', () => {
    expect(() => open(key, seal(key, secret, context), { ...context, customerId: 'cust-2' })).toThrow(SealError);
  });

  it('refuses another purpose (wrong AAD)', () => {
    expect(() => open(key, seal(key, secret, context), { ...context, purpose: 'export-key-part' })).toThrow(SealError);
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = seal(key, secret, context);
    sealed[sealed.length - 20] = (sealed[sealed.length - 20] as number) ^ 1;
    expect(() => open(key, sealed, context)).toThrow(/failed authentication/);
  });

  it('refuses a tampered nonce', () => {
    const sealed = seal(key, secret, context);
    sealed[12] = (sealed[12] as number) ^ 1;
    expect(() => open(key, sealed, context)).toThrow(SealError);
  });

  it('names an unknown master key instead of reporting tampering', () => {
    expect(() => open(other, seal(key, secret, context), context)).toThrow(/does not have/);
  });

  it('opens values sealed under a retired key through the key ring', () => {
    const sealed = seal(key, secret, context);
    expect(new TextDecoder().decode(open({ current: other, retired: [key] }, sealed, context))).toBe(
      'server share x_S',
    );
  });

  it('refuses a truncated value', () => {
    expect(() => open(key, seal(key, secret, context).subarray(0, 30), context)).toThrow(/malformed/);
  });

  it('never includes the plaintext or key in errors', () => {
    try {
      open(key, seal(key, secret, context), { ...context, rowId: 'x' });
    } catch (error) {
      expect(String(error)).not.toContain('x_S');
      expect(String(error)).not.toContain(toHex(key.key));
    }
  });
});

describe('start-up check of the master key against stored shares', () => {
  it('refuses to start with a master key that did not seal the stored shares, and starts again with the right one', async () => {
    const { provisionEvmWallet, createTestCustomer, startMpcTestRelay } = await import('../../../helpers/node1.js');
    const first = await startMpcTestRelay();
    await provisionEvmWallet(first, await createTestCustomer(first));
    await first.stop({ keepData: true });
    const storage = { dataDir: first.dataDir, ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}) };
    await expect(startMpcTestRelay({ ...storage, masterKey: '5a'.repeat(32) })).rejects.toThrow(
      /sealed under master keys this relay does not have/,
    );
    const again = await startMpcTestRelay(storage);
    await again.stop();
  });
});
