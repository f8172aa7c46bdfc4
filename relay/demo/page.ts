/**
 * The demo business console at /demo: what a business's back office does with the API, in one page.
 * It creates customers, starts every kind of challenge for one of them, sends the user to the Gateway,
 * and shows results when the user comes back. It keeps the API key in this browser's localStorage only
 * (a real business keeps it on its server).
 */
import { DEMO_SCRIPT } from './script.js';
import { DEMO_STYLE } from './style.js';

export function demoPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tandem demo business</title>
<style>${DEMO_STYLE}</style>
</head>
<body>
<header><h1>Tandem demo business</h1><span>A back-office console that drives the relay's REST API</span></header>
<main>
  <div id="returnBanner" class="banner" hidden></div>
  <section>
    <h2>API key</h2>
    <label for="apiKey">The demo organisation's key, printed by <code>npm start</code> on first start (or your <code>TANDEM_API_KEY</code>). Kept in this browser only.</label>
    <div class="row two">
      <input id="apiKey" type="password" autocomplete="off" placeholder="tdm_…">
      <button id="saveKey" class="secondary" type="button">Use key</button>
    </div>
    <div id="keyStatus" class="status"></div>
  </section>
  <section>
    <h2>Create a customer</h2>
    <form id="createForm" class="row">
      <div><label for="name">Name</label><input id="name" required maxlength="200" placeholder="Ada Lovelace"></div>
      <div><label for="refId">Your reference id</label><input id="refId" required maxlength="200" placeholder="user-42"></div>
      <button type="submit">Create customer</button>
    </form>
    <div id="createStatus" class="status"></div>
  </section>
  <section>
    <h2>Customers</h2>
    <table>
      <thead><tr><th>Name</th><th>Reference</th><th>PIN</th><th>Recovery</th><th>Locked</th><th>Created</th><th></th></tr></thead>
      <tbody id="customers"><tr><td colspan="7" class="empty">Enter the API key to see customers.</td></tr></tbody>
    </table>
  </section>
  <section id="customerPanel" hidden>
    <h2>Actions for <span id="panelName"></span> <code id="panelId"></code></h2>
    <p class="hint">Each action creates a <b>challenge</b>. Open it in the Gateway (the Tandem extension takes over), approve with the PIN, and you come back here.</p>
    <div class="actions">
      <button data-action="initialize">Set up PIN &amp; recovery</button>
      <button data-action="recovery" class="secondary">Change recovery</button>
      <button data-action="update-pin" class="secondary">Change PIN</button>
      <button data-action="reset-pin" class="secondary">Reset forgotten PIN</button>
      <button data-action="export-private-keys" class="secondary">Export private keys</button>
    </div>
    <h3>Create wallets</h3>
    <div class="row two">
      <div id="chainChoices" class="choices"><span class="empty">Loading chains…</span></div>
      <button data-action="wallet/create">Create wallets</button>
    </div>
    <h3>Wallets</h3>
    <table>
      <thead><tr><th>Chain</th><th>Type</th><th>Address</th><th>Id</th></tr></thead>
      <tbody id="wallets"><tr><td colspan="4" class="empty">No wallets yet.</td></tr></tbody>
    </table>
    <h3>Send or sign</h3>
    <div class="row three">
      <div><label for="walletSelect">From wallet</label><select id="walletSelect"></select></div>
      <div><label for="destination">To address</label><input id="destination" placeholder="0x… / bc1… / base58 / name.near"></div>
      <div><label for="amount">Amount</label><input id="amount" placeholder="0.01"></div>
    </div>
    <div class="actions">
      <button data-action="transactions/transfer">Transfer</button>
    </div>
    <div class="row two">
      <div><label for="message">Message to sign</label><input id="message" value="Sign in to the demo business"></div>
      <button data-action="sign/message" class="secondary">Sign message</button>
    </div>
    <div id="actionStatus" class="status"></div>
    <h3>Challenges <button id="refreshChallenges" class="link" type="button">refresh</button></h3>
    <table>
      <thead><tr><th>Kind</th><th>Status</th><th>Expires</th><th>Result</th><th></th></tr></thead>
      <tbody id="challenges"><tr><td colspan="5" class="empty">No challenges yet.</td></tr></tbody>
    </table>
  </section>
</main>
<script>${DEMO_SCRIPT}</script>
</body>
</html>`;
}
