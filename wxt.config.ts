import { defineConfig } from 'wxt';

/**
 * The extension (Node 1 + Gateway + popup) is built by WXT from extension/ into .output/chrome-mv3.
 * Imports are explicit (no auto-imports) so the dependency graph stays visible to reviewers and tests.
 */
export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  imports: false,
  manifestVersion: 3,
  manifest: {
    name: 'Tandem Wallet',
    description: 'Your 2-of-2 MPC wallet: your key share stays on this device, unlocked only by your PIN.',
    // A fixed public key gives the extension a stable id (EXTENSION_ID in extension/identity.ts) wherever
    // it is loaded from; the matching private key is only needed to publish, not to load unpacked.
    key: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsC7asDWcOOFPMP76yvjTN0K88NxrUb+glqTwSrOMnnDvfwv18Zs8TA8MMg9BqYfmA3kdGJwwSYYYAa6hUlbpHko8357Pj8No/vr/N2TYiurNSF7poLDone/Fm/RNuJvJtLDFCw3XH9tzfvK3gJIllikQ7xHQMI8NJOPPwuAgnJU6Bu7BNSoM3CyWWTxhIXxBueSEAjtJQSjZVz+adp9ZI7PyN/ltdpela76xyFuG4nQmFUEiSRoRwho19bOa0cKVTpZoEQtLiyNfelZobSUgvQiMWPWprBeen2qYA2g73Ui1QDuPVw13KjfLTMygBmDE9lA5Bus9Z/f9palQdV3OjQIDAQAB',
    // alarms: the auto-lock wipes the unlocked bundle even while the service worker sleeps.
    permissions: ['storage', 'alarms'],
    content_security_policy: {
      // hash-wasm's Argon2id compiles WebAssembly in the service worker and the Gateway.
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    },
  },
});
