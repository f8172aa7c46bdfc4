/**
 * The demo business console at /demo: what a business's back office would do with the API, in one
 * page. It keeps the API key in this browser's localStorage only (a real business keeps it server-side).
 */
export function demoPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tandem demo business</title>
<style>
  :root { --ink:#14213d; --muted:#5c6784; --line:#dde3ee; --accent:#2952cc; --bad:#b42318; --ok:#1a7f37; }
  * { box-sizing: border-box; }
  body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--ink); background:#f5f7fb; }
  header { background:var(--ink); color:#fff; padding:16px 32px; display:flex; align-items:baseline; gap:16px; }
  header h1 { font-size:18px; margin:0; }
  header span { color:#c5cde0; font-size:13px; }
  main { max-width:960px; margin:24px auto; padding:0 24px; display:grid; gap:20px; }
  section { background:#fff; border:1px solid var(--line); border-radius:10px; padding:20px 24px; }
  h2 { font-size:16px; margin:0 0 12px; }
  label { display:block; font-size:13px; color:var(--muted); margin-bottom:4px; }
  input { width:100%; padding:8px 10px; border:1px solid var(--line); border-radius:6px; font:inherit; }
  .row { display:grid; grid-template-columns: 1fr 1fr auto; gap:12px; align-items:end; }
  button { padding:9px 16px; border:0; border-radius:6px; background:var(--accent); color:#fff; font:inherit; cursor:pointer; }
  button.secondary { background:#e8edf8; color:var(--ink); }
  table { width:100%; border-collapse:collapse; font-size:14px; }
  th, td { text-align:left; padding:8px 6px; border-bottom:1px solid var(--line); }
  th { color:var(--muted); font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
  code { font-size:12px; color:var(--muted); }
  .status { min-height:20px; font-size:13px; margin-top:10px; }
  .status.error { color:var(--bad); } .status.ok { color:var(--ok); }
  .pill { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; background:#eef1f6; color:var(--muted); }
  .pill.yes { background:#e3f4e8; color:var(--ok); }
  .empty { color:var(--muted); font-style:italic; }
</style>
</head>
<body>
<header><h1>Tandem demo business</h1><span>A back-office console that drives the relay's REST API</span></header>
<main>
  <section>
    <h2>API key</h2>
    <label for="apiKey">The demo organisation's key, printed by <code>npm start</code> on first start (or your <code>TANDEM_API_KEY</code>). Kept in this browser only.</label>
    <div class="row" style="grid-template-columns: 1fr auto;">
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
      <thead><tr><th>Name</th><th>Reference</th><th>PIN</th><th>Recovery</th><th>Created</th><th>Id</th></tr></thead>
      <tbody id="customers"><tr><td colspan="6" class="empty">Enter the API key to see customers.</td></tr></tbody>
    </table>
  </section>
</main>
<script>
  const $ = (id) => document.getElementById(id);
  const keyInput = $('apiKey');
  keyInput.value = localStorage.getItem('tandem.demo.apiKey') || '';

  function setStatus(el, text, kind) { el.textContent = text; el.className = 'status ' + (kind || ''); }

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

  function cell(text, cls) { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; }
  function pill(on) { const td = document.createElement('td'); const s = document.createElement('span'); s.className = 'pill' + (on ? ' yes' : ''); s.textContent = on ? 'yes' : 'no'; td.appendChild(s); return td; }

  async function refresh() {
    const tbody = $('customers');
    try {
      const data = await api('GET', '/customers?limit=50');
      tbody.replaceChildren();
      if (data.customers.length === 0) {
        const tr = document.createElement('tr'); const td = cell('No customers yet: create the first one above.', 'empty'); td.colSpan = 6; tr.appendChild(td); tbody.appendChild(tr);
      }
      for (const c of data.customers) {
        const tr = document.createElement('tr');
        const id = document.createElement('td'); const code = document.createElement('code'); code.textContent = c.id; id.appendChild(code);
        tr.append(cell(c.name), cell(c.refId), pill(c.hasPin), pill(c.hasRecovery), cell(new Date(c.createdAt).toLocaleString()), id);
        tbody.appendChild(tr);
      }
      setStatus($('keyStatus'), data.pagination.total + ' customer(s) in this organisation.', 'ok');
    } catch (e) {
      setStatus($('keyStatus'), e.message, 'error');
    }
  }

  $('saveKey').addEventListener('click', () => { localStorage.setItem('tandem.demo.apiKey', keyInput.value.trim()); refresh(); });
  $('createForm').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const status = $('createStatus');
    try {
      const c = await api('POST', '/customers', { name: $('name').value, refId: $('refId').value });
      setStatus(status, 'Created ' + c.name + ' (' + c.id + ').', 'ok');
      $('name').value = ''; $('refId').value = '';
      refresh();
    } catch (e) {
      setStatus(status, e.message, 'error');
    }
  });
  if (keyInput.value) refresh();
</script>
</body>
</html>`;
}
