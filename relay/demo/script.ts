/**
 * The demo console's browser script (inlined into the page). Plain DOM code: textContent everywhere,
 * never innerHTML with data, so names and results from the API cannot inject markup.
 */
export const DEMO_SCRIPT = `
  const $ = (id) => document.getElementById(id);
  const keyInput = $('apiKey');
  keyInput.value = localStorage.getItem('tandem.demo.apiKey') || '';
  let selected = localStorage.getItem('tandem.demo.customer') || '';
  let customersById = new Map();

  function setStatus(el, text, kind) { el.textContent = text; el.className = 'status ' + (kind || ''); }
  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const c of children || []) node.append(c);
    return node;
  }
  function pill(text, cls) { return el('span', { className: 'pill ' + (cls || ''), textContent: text }); }
  function emptyRow(tbody, cols, text) { tbody.replaceChildren(el('tr', {}, [el('td', { colSpan: cols, className: 'empty', textContent: text })])); }

  async function api(method, path, body) {
    const key = keyInput.value.trim();
    if (!key) throw new Error('Enter the API key first (see the npm start output).');
    const res = await fetch('/v2' + path, {
      method,
      headers: Object.assign({ 'X-API-Key': key }, body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => ({ message: 'the relay answered ' + res.status }));
    if (!res.ok || !json.success) throw new Error(json.message || ('HTTP ' + res.status));
    return json.data;
  }

  async function refreshCustomers() {
    const tbody = $('customers');
    try {
      const data = await api('GET', '/customers?limit=50');
      customersById = new Map(data.customers.map((c) => [c.id, c]));
      if (data.customers.length === 0) emptyRow(tbody, 7, 'No customers yet: create the first one above.');
      else tbody.replaceChildren(...data.customers.map((c) => {
        const choose = el('button', { className: 'link', type: 'button', textContent: c.id === selected ? 'selected' : 'select' });
        choose.addEventListener('click', () => selectCustomer(c.id));
        const row = el('tr', { className: c.id === selected ? 'selected' : '' }, [
          el('td', { textContent: c.name }), el('td', { textContent: c.refId }),
          el('td', {}, [pill(c.hasPin ? 'yes' : 'no', c.hasPin ? 'yes' : '')]),
          el('td', {}, [pill(c.hasRecovery ? 'yes' : 'no', c.hasRecovery ? 'yes' : '')]),
          el('td', {}, [pill(c.locked ? 'locked' : 'no', c.locked ? 'warn' : '')]),
          el('td', { textContent: new Date(c.createdAt).toLocaleString() }),
          el('td', {}, [choose]),
        ]);
        return row;
      }));
      setStatus($('keyStatus'), data.pagination.total + ' customer(s) in this organisation.', 'ok');
      if (selected && customersById.has(selected)) showPanel();
    } catch (e) {
      setStatus($('keyStatus'), e.message, 'error');
    }
  }

  function selectCustomer(id) {
    selected = id;
    localStorage.setItem('tandem.demo.customer', id);
    refreshCustomers();
  }

  async function showPanel() {
    const c = customersById.get(selected);
    $('customerPanel').hidden = false;
    $('panelName').textContent = c.name;
    $('panelId').textContent = c.id;
    await Promise.all([refreshWallets(), refreshChallenges(), loadChains()]);
  }

  let chainsLoaded = false;
  async function loadChains() {
    if (chainsLoaded) return;
    try {
      const data = await api('GET', '/config/chains');
      $('chainChoices').replaceChildren(...data.chains.map((ch) => {
        const box = el('input', { type: 'checkbox', value: ch.id });
        return el('label', {}, [box, ch.id + (ch.testnet ? '' : ' (mainnet)')]);
      }));
      chainsLoaded = true;
    } catch (e) {
      $('chainChoices').replaceChildren(el('span', { className: 'bad', textContent: e.message }));
    }
  }

  async function refreshWallets() {
    const tbody = $('wallets');
    const select = $('walletSelect');
    try {
      const data = await api('GET', '/wallets?limit=100&customerId=' + encodeURIComponent(selected));
      if (data.wallets.length === 0) emptyRow(tbody, 4, 'No wallets yet: set up the PIN, then create wallets.');
      else tbody.replaceChildren(...data.wallets.map((w) => el('tr', {}, [
        el('td', { textContent: w.blockchain }), el('td', { textContent: addressTypeLabel(w) }),
        el('td', { className: 'mono', textContent: w.address }), el('td', { className: 'mono', textContent: w.id }),
      ])));
      select.replaceChildren(...data.wallets.map((w) => el('option', {
        value: w.id,
        textContent: w.blockchain + (w.addressType ? ' ' + addressTypeLabel(w) : '') + ' · ' + w.address.slice(0, 14) + '…',
      })));
    } catch (e) {
      emptyRow(tbody, 4, e.message);
    }
  }

  function addressTypeLabel(w) {
    return w.addressType === 'p2tr' ? 'Taproot (P2TR)' : w.addressType === 'p2wpkh' ? 'SegWit (P2WPKH)' : '';
  }

  /** One line a person can read (what happened), with the full JSON result one click away. */
  function resultCell(ch) {
    if (!ch.result) return el('span', { className: ch.failureReason ? 'bad' : 'empty', textContent: ch.failureReason || '' });
    const r = ch.result;
    const summary = r.transactionHash ? 'transaction ' + r.transactionHash
      : Array.isArray(r.wallets) ? r.wallets.length + ' wallet(s) created'
      : r.signature ? 'signature ' + String(r.signature).slice(0, 24) + '…'
      : ch.kind === 'initialize' ? 'PIN and recovery set up'
      : 'done';
    const details = el('details', {}, [el('summary', { textContent: summary }), el('pre', { className: 'mono', textContent: JSON.stringify(r, null, 2) })]);
    return details;
  }

  async function refreshChallenges() {
    const tbody = $('challenges');
    try {
      const data = await api('GET', '/customers/' + selected + '/challenges?limit=20');
      if (data.challenges.length === 0) return emptyRow(tbody, 5, 'No challenges yet.');
      tbody.replaceChildren(...data.challenges.map((ch) => {
        const cls = ch.status === 'verified' ? 'yes' : ch.status === 'failed' || ch.status === 'expired' ? 'warn' : '';
        const open = ch.status === 'pending'
          ? el('a', { href: ch.redirectUrl, textContent: 'open in Gateway' })
          : el('span', { className: 'empty', textContent: '' });
        return el('tr', {}, [
          el('td', { textContent: ch.kind }), el('td', {}, [pill(ch.status, cls)]),
          el('td', { textContent: new Date(ch.expiresAt).toLocaleTimeString() }),
          el('td', {}, [resultCell(ch)]), el('td', {}, [open]),
        ]);
      }));
    } catch (e) {
      emptyRow(tbody, 5, e.message);
    }
  }

  function bodyFor(action) {
    const redirectUrl = location.origin + '/demo';
    if (action === 'wallet/create') {
      const blockchains = [...document.querySelectorAll('#chainChoices input:checked')].map((b) => b.value);
      if (blockchains.length === 0) throw new Error('Pick at least one chain to create wallets on.');
      return { blockchains, accountType: 'eoa', redirectUrl };
    }
    if (action === 'transactions/transfer') {
      const walletId = $('walletSelect').value;
      if (!walletId) throw new Error('Create a wallet first.');
      return { walletId, destinationAddress: $('destination').value.trim(), amounts: [$('amount').value.trim()], redirectUrl };
    }
    if (action === 'sign/message') {
      const walletId = $('walletSelect').value;
      if (!walletId) throw new Error('Create a wallet first.');
      return { walletId, message: $('message').value, redirectUrl };
    }
    return { redirectUrl };
  }

  $('customerPanel').addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const status = $('actionStatus');
    try {
      button.disabled = true;
      const challenge = await api('POST', '/customers/' + selected + '/' + button.dataset.action, bodyFor(button.dataset.action));
      status.replaceChildren('Challenge created (' + challenge.kind + '). ', el('a', { href: challenge.redirectUrl, textContent: 'Open it in the Gateway →' }));
      status.className = 'status ok';
      refreshChallenges();
    } catch (e) {
      setStatus(status, e.message, 'error');
    } finally {
      button.disabled = false;
    }
  });

  $('refreshChallenges').addEventListener('click', () => { refreshChallenges(); refreshWallets(); refreshCustomers(); });
  $('saveKey').addEventListener('click', () => { localStorage.setItem('tandem.demo.apiKey', keyInput.value.trim()); refreshCustomers(); });
  $('createForm').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const status = $('createStatus');
    try {
      const c = await api('POST', '/customers', { name: $('name').value, refId: $('refId').value });
      setStatus(status, 'Created ' + c.name + ' (' + c.id + ').', 'ok');
      $('name').value = ''; $('refId').value = '';
      selectCustomer(c.id);
    } catch (e) {
      setStatus(status, e.message, 'error');
    }
  });

  // Back from the Gateway: the return URL carries challengeId and status.
  const back = new URLSearchParams(location.search);
  if (back.get('challengeId')) {
    const banner = $('returnBanner');
    const ok = back.get('status') === 'verified';
    banner.textContent = 'Back from the Gateway: challenge ' + back.get('challengeId') + ' is ' + (back.get('status') || 'unknown') + '.';
    banner.className = 'banner' + (ok ? '' : ' bad');
    banner.hidden = false;
  }
  if (keyInput.value) refreshCustomers();
`;
