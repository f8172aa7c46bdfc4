import { startPopup } from '../../popup/app.js';

startPopup(document.getElementById('main') as HTMLElement, document.getElementById('status') as HTMLElement);
