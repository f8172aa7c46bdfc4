/**
 * Export of every key in Chromium (DESIGN.md §4.3), against a real relay (PGlite, HTTP, /v2/mpc),
 * the business side through the REST API: a customer with EVM, Bitcoin (P2WPKH + Taproot), Solana
 * and NEAR wallets asks for `export-private-keys`; the Gateway warns, takes the PIN, runs the export
 * ceremony and rebuilds every key on the device. Each exported key is imported with the target
 * wallet's own library and must give the wallet's address; the recovery phrase must give the Solana
 * and NEAR addresses through SLIP-10; the CSV is read back from the download folder and matches the
 * page's Blob; the business sees only what was released.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ecc from '@bitcoinerlab/secp256k1';
import { KeyPair } from '@near-js/crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58 } from '@scure/base';
import { mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { Keypair } from '@solana/web3.js';
import * as bitcoin from 'bitcoinjs-lib';
import { ECPairFactory } from 'ecpair';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../protocol/bytes.js';
import { EXPORT_CSV_HEADER } from '../../../protocol/chains/export.js';
import { slip10Derive } from '../../../protocol/frost/slip10.js';
import { type ExtensionBrowser, launchWithExtension } from '../../helpers/browser.js';
import { setRelayUrl } from '../../helpers/extension-pages.js';
import { startTestRelay, type TestRelay } from '../../helpers/relay.js';
import {
  type Business,
  challenge,
  customerWallets,
  onboardWithWallets,
  openGateway,
  readChallenge,
  returnedTo,
  SHOTS,
  screen,
  shot,
  typePin,
} from './export-flow-helpers.js';

const PIN = '581736';
bitcoin.initEccLib(ecc);
const ECPair = ECPairFactory(ecc);

let relay: TestRelay;
let chromium: ExtensionBrowser;
let business: Business;
let downloads: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  downloads = mkdtempSync(join(tmpdir(), 'tandem-downloads-'));
  relay = await startTestRelay();
  chromium = await launchWithExtension();
  await setRelayUrl(await chromium.worker(), new URL(relay.url).origin);
  const customer = await relay.call('POST', '/v2/customers', { name: 'Lin', refId: crypto.randomUUID() });
  business = { relay, customerId: customer.json.data.id };
  await onboardWithWallets(chromium, business, PIN, ['EVM-LOCAL', 'BTC-TESTNET', 'SOL-DEVNET', 'NEAR-TESTNET']);
});
afterAll(async () => {
  await chromium?.close();
  await relay?.stop();
  if (downloads) rmSync(downloads, { recursive: true, force: true });
});

interface CsvRow {
  address: string;
  privateKey: string;
  blockchain: string;
  derivationPath: string;
  keyType: string;
}

function parseCsv(text: string): CsvRow[] {
  const lines = text.split('\r\n');
  expect(lines[0]).toBe(EXPORT_CSV_HEADER);
  return lines
    .slice(1)
    .filter((l) => l !== '')
    .map((line) => {
      const [address, privateKey, blockchain, derivationPath, keyType] = line.split(',') as string[];
      return { address, privateKey, blockchain, derivationPath, keyType } as CsvRow;
    });
}

/** The address the target wallet's own library derives from an exported key. */
function importedAddress(row: CsvRow, wallet: { keyFamily?: string; addressType?: string | null }): string {
  if (row.blockchain.startsWith('EVM')) return privateKeyToAccount(row.privateKey as `0x${string}`).address;
  if (row.blockchain.startsWith('BTC')) {
    const network = bitcoin.networks.testnet;
    const pair = ECPair.fromWIF(row.privateKey, network);
    const pubkey = Buffer.from(pair.publicKey);
    // UniSat imports the Taproot *internal* key and applies the BIP86 tweak itself.
    return wallet.addressType === 'p2tr'
      ? (bitcoin.payments.p2tr({ internalPubkey: pubkey.subarray(1, 33), network }).address as string)
      : (bitcoin.payments.p2wpkh({ pubkey, network }).address as string);
  }
  if (row.blockchain.startsWith('SOL'))
    return Keypair.fromSecretKey(base58.decode(row.privateKey)).publicKey.toBase58();
  if (row.blockchain.startsWith('NEAR')) return toHex(KeyPair.fromString(row.privateKey as never).getPublicKey().data);
  throw new Error(`unexpected blockchain ${row.blockchain}`);
}

describe('export in Chromium', () => {
  it('warns, takes the PIN, rebuilds every key on the device; each imports into its target wallet with the same address', async () => {
    const wallets = await customerWallets(business);
    expect(wallets).toHaveLength(5);
    const { challengeId, redirectUrl } = await challenge(business, 'export-private-keys');
    const { tab, gateway } = await openGateway(chromium, redirectUrl);

    // The warning comes first; Continue only after "I understand".
    await screen(gateway, 'export-warning');
    await shot(gateway, 'export-warning');
    const warning = await gateway.$eval('[data-screen="export-warning"]', (el) => el.textContent ?? '');
    expect(warning).toContain('Anyone who has these keys controls your funds');
    expect(warning).toContain('Nothing leaves this device');
    expect(await gateway.$eval('[data-testid="approve"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await gateway.click('[data-testid="export-understood"]');
    await gateway.click('[data-testid="approve"]');
    await screen(gateway, 'enter-pin');
    await shot(gateway, 'export-pin');
    await typePin(gateway, PIN);
    try {
      await screen(gateway, 'export-result', 60_000);
    } catch (error) {
      await shot(gateway, 'export-failed');
      throw error;
    }
    await shot(gateway, 'export-result');
    // The focus lands on Download, not on Close (Enter must not throw the keys away).
    expect(await gateway.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe(
      'export-download',
    );

    // The recovery phrase is hidden until revealed.
    expect(await gateway.$eval('[data-testid="mnemonic-words"]', (el) => (el as HTMLElement).hidden)).toBe(true);
    await gateway.click('[data-testid="mnemonic-reveal"]');
    const words = await gateway.$$eval('[data-testid="mnemonic-words"] li', (items) =>
      items.map((li) => li.lastChild?.textContent ?? ''),
    );
    await gateway.click('[data-testid="export-show-0"]');
    await shot(gateway, 'export-result-revealed');

    // The CSV, downloaded into a folder we read back, and the same bytes from the page's Blob.
    const cdp = await gateway.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    const fromBlob = await gateway.$eval('[data-testid="export-file"]', async (a) =>
      (await fetch((a as HTMLAnchorElement).href)).text(),
    );
    await gateway.click('[data-testid="export-download"]');
    let file: string | undefined;
    for (let i = 0; i < 100 && !file; i++) {
      file = readdirSync(downloads).find((f) => f.endsWith('.csv'));
      if (!file) await new Promise((r) => setTimeout(r, 100));
    }
    expect(file).toMatch(/^tandem-private-keys-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(join(downloads, file as string), 'utf8');
    expect(csv).toBe(fromBlob);
    const rows = parseCsv(csv);

    // One row per wallet, each key importing into its target wallet's library with the wallet's address.
    expect(rows.map((r) => r.address).sort()).toEqual(wallets.map((w) => w.address).sort());
    for (const wallet of wallets) {
      const row = rows.find((r) => r.address === wallet.address) as CsvRow;
      expect(row.blockchain).toBe(wallet.blockchain);
      expect(row.derivationPath).toBe(wallet.derivationPath);
      const derived = importedAddress(row, wallet);
      expect(wallet.address.startsWith('0x') ? derived.toLowerCase() : derived).toBe(
        wallet.address.startsWith('0x') ? wallet.address.toLowerCase() : wallet.address,
      );
      expect(row.keyType).toBe(['SOL-DEVNET', 'NEAR-TESTNET'].includes(wallet.blockchain) ? 'ed25519' : 'secp256k1');
    }
    expect(rows.find((r) => r.blockchain === 'EVM-LOCAL')?.privateKey).toMatch(/^0x[0-9a-f]{64}$/);
    expect(rows.find((r) => r.blockchain === 'NEAR-TESTNET')?.privateKey).toMatch(/^ed25519:/);

    // The recovery phrase gives the Solana and NEAR addresses (SLIP-10, as Phantom and MyNearWallet derive).
    const mnemonic = words.join(' ');
    expect(validateMnemonic(mnemonic, wordlist)).toBe(true);
    const seed = mnemonicToSeedSync(mnemonic);
    const sol = wallets.find((w) => w.blockchain === 'SOL-DEVNET');
    const near = wallets.find((w) => w.blockchain === 'NEAR-TESTNET');
    expect(base58.encode(ed25519.getPublicKey(slip10Derive(seed, "m/44'/501'/0'/0'").key))).toBe(sol.address);
    expect(toHex(ed25519.getPublicKey(slip10Derive(seed, "m/44'/397'/0'").key))).toBe(near.address);

    // The business sees only what was released; no key reaches the relay's record of the challenge.
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result, status } = await readChallenge(business, challengeId);
    expect(status).toBe('verified');
    expect(result).toEqual({
      exported: { ecdsaKeys: 2, ed25519Accounts: 2, taprootKeys: 1, exportKeyPart: true },
    });
    const stored = JSON.stringify(await readChallenge(business, challengeId));
    for (const row of rows) expect(stored).not.toContain(row.privateKey.replace(/^0x|^ed25519:/, ''));
    expect(stored).not.toContain(words.slice(0, 3).join(' '));

    // The keys were handed over once: nothing is left in the background for this approval.
    const approvalId = new URL(gateway.url()).hash.slice(1);
    const again = await gateway.evaluate(
      (id) => chrome.runtime.sendMessage({ type: 'export.take', approvalId: id }),
      approvalId,
    );
    expect(again).toMatchObject({ ok: false, error: { code: 'not-available' } });

    // Closing wipes the screen (and revokes the Blob URL) before the window goes.
    const href = await gateway.$eval('[data-testid="export-file"]', (a) => (a as HTMLAnchorElement).href);
    await gateway.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide')));
    expect(
      await gateway.evaluate(() => document.querySelector('[data-screen="export-result"]')?.textContent ?? ''),
    ).toBe('');
    expect(
      await gateway.evaluate(
        (u) =>
          fetch(u).then(
            () => 'readable',
            () => 'revoked',
          ),
        href,
      ),
    ).toBe('revoked');
    await gateway.close();
    await tab.close();
  });

  it('a wrong PIN says how many tries are left and releases nothing', async () => {
    const { challengeId, redirectUrl } = await challenge(business, 'export-private-keys');
    const { tab, gateway } = await openGateway(chromium, redirectUrl);
    await screen(gateway, 'export-warning');
    await gateway.click('[data-testid="export-understood"]');
    await gateway.click('[data-testid="approve"]');
    await screen(gateway, 'enter-pin');
    await typePin(gateway, '902461');
    await gateway.waitForFunction(
      () => document.querySelector('[data-testid="pin-error"]')?.textContent?.includes('Wrong PIN'),
      { timeout: 20_000 },
    );
    await shot(gateway, 'export-wrong-pin');
    expect(await gateway.$eval('[data-testid="pin-error"]', (el) => el.textContent)).toContain('4 tries left');
    expect(['pending', 'in_progress']).toContain((await readChallenge(business, challengeId)).status);
    await gateway.close();
    await tab.close();
  });
});
