/** The demo console's stylesheet (inlined into the page). */
export const DEMO_STYLE = `
  :root { --ink:#14213d; --muted:#5c6784; --line:#dde3ee; --accent:#2952cc; --bad:#b42318; --ok:#1a7f37; }
  * { box-sizing: border-box; }
  body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--ink); background:#f5f7fb; }
  header { background:var(--ink); color:#fff; padding:16px 32px; display:flex; align-items:baseline; gap:16px; }
  header h1 { font-size:18px; margin:0; }
  header span { color:#c5cde0; font-size:13px; }
  main { max-width:1000px; margin:24px auto; padding:0 24px; display:grid; gap:20px; }
  section { background:#fff; border:1px solid var(--line); border-radius:10px; padding:20px 24px; }
  h2 { font-size:16px; margin:0 0 12px; }
  h3 { font-size:14px; margin:20px 0 8px; color:var(--muted); text-transform:uppercase; letter-spacing:.03em; }
  label { display:block; font-size:13px; color:var(--muted); margin-bottom:4px; }
  input, select { width:100%; padding:8px 10px; border:1px solid var(--line); border-radius:6px; font:inherit; background:#fff; }
  .row { display:grid; grid-template-columns: 1fr 1fr auto; gap:12px; align-items:end; }
  .row.two { grid-template-columns: 1fr auto; }
  .row.three { grid-template-columns: 1fr 1fr 160px; }
  .actions { display:flex; flex-wrap:wrap; gap:8px; margin:10px 0; }
  button { padding:9px 16px; border:0; border-radius:6px; background:var(--accent); color:#fff; font:inherit; cursor:pointer; }
  button.secondary { background:#e8edf8; color:var(--ink); }
  button.link { background:none; color:var(--accent); padding:0 4px; font-size:13px; text-transform:none; }
  button:disabled { opacity:.5; cursor:default; }
  table { width:100%; border-collapse:collapse; font-size:14px; }
  th, td { text-align:left; padding:8px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
  th { color:var(--muted); font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
  tr.selected td { background:#f0f4ff; }
  code, .mono { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; color:var(--muted); word-break:break-all; }
  .status { min-height:20px; font-size:13px; margin-top:10px; }
  .status.error, .bad { color:var(--bad); } .status.ok, .good { color:var(--ok); }
  .pill { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; background:#eef1f6; color:var(--muted); }
  .pill.yes { background:#e3f4e8; color:var(--ok); }
  .pill.warn { background:#fdecea; color:var(--bad); }
  .empty { color:var(--muted); font-style:italic; }
  .hint { color:var(--muted); font-size:13px; margin:0 0 8px; }
  .choices { display:flex; flex-wrap:wrap; gap:6px 14px; }
  .choices label { display:flex; align-items:center; gap:6px; margin:0; color:var(--ink); font-size:14px; }
  .choices input { width:auto; }
  .banner { padding:12px 16px; border-radius:8px; background:#e3f4e8; color:var(--ok); border:1px solid #bfe5c9; }
  .banner.bad { background:#fdecea; border-color:#f5c2bd; }
  details summary { cursor:pointer; font-size:13px; word-break:break-all; }
  details pre { white-space:pre-wrap; margin:6px 0 0; max-height:240px; overflow:auto; }
`;
