/**
 * `npm start`: the relay on its embedded database, the demo page, and how to load the extension.
 */
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { startRelay } from './server.js';

async function main() {
  const config = loadConfig();
  config.onDevMail = (mail) => {
    // Development only (no SMTP_URL): show what would have been emailed, so recovery can be tried by hand.
    const body = mail.raw
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('\n')
      .trim();
    console.log(`\n[dev mailbox] mail to ${mail.to.join(', ')}:\n${body.replace(/^/gm, '  | ')}\n`);
  };
  const relay = await startRelay(config);
  const extensionDir = resolve('.output/chrome-mv3');
  const lines = [
    '',
    `Tandem relay ${config.version} listening on ${relay.url} (database: ${relay.db.kind}${relay.db.kind === 'pglite' ? `, data in ${config.dataDir}` : ''})`,
    `  Health:    ${relay.url}/health`,
    `  Demo page: ${relay.url}/demo`,
    `  API:       ${relay.url}/v2  (OpenAPI: ${relay.url}/v2/openapi.json)`,
    relay.mailbox
      ? `  Mail:      no SMTP_URL set, so recovery emails go to a local development mailbox (${relay.mailbox.url}) and are printed here`
      : '  Mail:      sent through SMTP_URL',
  ];
  if (relay.newDemoApiKey) {
    lines.push('', `  Demo organisation API key (shown only now, stored hashed): ${relay.newDemoApiKey}`);
  } else if (config.demoApiKey) {
    lines.push('', '  Demo organisation API key: the value of TANDEM_API_KEY');
  } else {
    lines.push('', '  Demo organisation API key: printed on first start (set TANDEM_API_KEY for a fixed one)');
  }
  lines.push(
    '',
    '  Load the extension in Chrome or Chromium:',
    '    1. open chrome://extensions',
    '    2. switch on "Developer mode" (top right)',
    '    3. click "Load unpacked" and choose',
    `       ${extensionDir}`,
    '',
    'Press Ctrl-C to stop.',
  );
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: closing connections and the database…`);
    await relay.close();
    console.log('Stopped cleanly.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
