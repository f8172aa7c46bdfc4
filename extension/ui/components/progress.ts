/**
 * Progress of an MPC ceremony: the named steps, the current one highlighted, a bar, and a final
 * state. It never spins forever: the caller ends it with `done()` or `fail(message)`.
 */
import { h } from '../dom.js';

export interface Progress {
  element: HTMLElement;
  /** Marks steps before `index` as done and `index` as the current one. */
  setStep(index: number): void;
  /** A short live detail under the steps (e.g. the MPC round), replaced by `done`/`fail`. */
  note(text: string): void;
  done(message: string): void;
  fail(message: string): void;
}

export function createProgress(steps: readonly string[]): Progress {
  const items = steps.map((label) => h('li', { class: 'step' }, h('span', { class: 'dot' }), label));
  const bar = h('div', { class: 'bar-fill' });
  const status = h('p', { class: 'status', role: 'status', 'data-testid': 'progress-status' });
  const element = h(
    'div',
    { class: 'progress', 'data-testid': 'progress' },
    h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': steps.length }, bar),
    h('ol', { class: 'steps' }, ...items),
    status,
  );
  const progressbar = element.querySelector('.bar') as HTMLElement;

  function setStep(index: number): void {
    items.forEach((item, i) => {
      item.className = i < index ? 'step done' : i === index ? 'step current' : 'step';
      if (i === index) item.setAttribute('aria-current', 'step');
      else item.removeAttribute('aria-current');
    });
    bar.style.width = `${Math.round((Math.min(index, steps.length) / steps.length) * 100)}%`;
    progressbar.setAttribute('aria-valuenow', String(index));
  }
  setStep(0);
  return {
    element,
    setStep,
    note(text) {
      status.textContent = text;
      status.className = 'status muted';
    },
    done(message) {
      setStep(steps.length);
      status.textContent = message;
      status.className = 'status ok';
    },
    fail(message) {
      element.classList.add('failed');
      status.textContent = message;
      status.className = 'status error';
    },
  };
}
