import { createGatewayApp } from '../../gateway/app.js';

const app = createGatewayApp({
  root: document.getElementById('app') as HTMLElement,
  hash: () => location.hash,
  closeWindow: () => window.close(),
});
window.addEventListener('hashchange', () => void app.route());
void app.route();
