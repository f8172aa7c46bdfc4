/**
 * The PIN entry: six boxes, digits only. Typing moves to the next box, Backspace goes back, arrow keys
 * move, pasting "123456" (or "123 456") fills all boxes, Enter submits when complete. The boxes are
 * password fields (the PIN is not shown) with a numeric keyboard on touch screens.
 */
import { h } from '../dom.js';

export const PIN_DIGITS = 6;

export interface PinPad {
  element: HTMLElement;
  focus(): void;
  clear(): void;
  /** Shows `text` under the boxes (role=alert) and marks them invalid; empty text clears it. */
  setError(text: string): void;
  setDisabled(disabled: boolean): void;
  value(): string;
}

export function createPinPad(options: {
  label: string;
  /** Called when all six digits are in (typed, pasted, or Enter). */
  onComplete: (pin: string) => void;
  /** Called on every change (e.g. to clear an error once the user types again). */
  onInput?: (pin: string) => void;
  testId?: string;
}): PinPad {
  const errorId = `pin-error-${Math.random().toString(36).slice(2)}`;
  const boxes = Array.from({ length: PIN_DIGITS }, (_, i) =>
    h('input', {
      class: 'pin-box',
      type: 'password',
      inputmode: 'numeric',
      autocomplete: 'off',
      maxlength: 1,
      'aria-label': `${options.label}, digit ${i + 1} of ${PIN_DIGITS}`,
      'aria-describedby': errorId,
      'data-testid': `pin-digit-${i}`,
    }),
  );
  const error = h('p', { class: 'field-error', id: errorId, role: 'alert', 'data-testid': 'pin-error' });
  const group = h('div', { class: 'pin-boxes', role: 'group', 'aria-label': options.label }, ...boxes);
  const element = h(
    'div',
    { class: 'pin-pad', 'data-testid': options.testId ?? 'pin-pad' },
    h('label', { class: 'pin-label' }, options.label),
    group,
    error,
  );

  const value = () => boxes.map((b) => b.value).join('');
  const firstEmpty = () => boxes.findIndex((b) => b.value === '');

  function changed(): void {
    const pin = value();
    options.onInput?.(pin);
    if (pin.length === PIN_DIGITS && /^[0-9]{6}$/.test(pin)) options.onComplete(pin);
  }

  function fillFrom(start: number, digits: string): void {
    let i = start;
    for (const d of digits) {
      if (i >= PIN_DIGITS) break;
      (boxes[i] as HTMLInputElement).value = d;
      i++;
    }
    (boxes[Math.min(i, PIN_DIGITS - 1)] as HTMLInputElement).focus();
    changed();
  }

  boxes.forEach((box, i) => {
    box.addEventListener('beforeinput', (event) => {
      const data = (event as InputEvent).data;
      // Only digits may enter a box; deletions (data === null) pass.
      if (data !== null && !/^[0-9]+$/.test(data)) event.preventDefault();
    });
    box.addEventListener('input', () => {
      const digits = box.value.replace(/[^0-9]/g, '');
      box.value = '';
      if (digits) fillFrom(i, digits);
      else changed();
    });
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Backspace' && box.value === '' && i > 0) {
        event.preventDefault();
        const previous = boxes[i - 1] as HTMLInputElement;
        previous.value = '';
        previous.focus();
        changed();
      } else if (event.key === 'ArrowLeft' && i > 0) {
        event.preventDefault();
        (boxes[i - 1] as HTMLInputElement).focus();
      } else if (event.key === 'ArrowRight' && i < PIN_DIGITS - 1) {
        event.preventDefault();
        (boxes[i + 1] as HTMLInputElement).focus();
      } else if (event.key === 'Enter') {
        event.preventDefault();
        if (value().length === PIN_DIGITS) options.onComplete(value());
        else {
          setError(`Enter all ${PIN_DIGITS} digits.`);
          (boxes[Math.max(firstEmpty(), 0)] as HTMLInputElement).focus();
        }
      }
    });
    box.addEventListener('paste', (event) => {
      event.preventDefault();
      const digits = (event.clipboardData?.getData('text') ?? '').replace(/[\s-]/g, '');
      if (!/^[0-9]+$/.test(digits)) {
        setError('Only digits can be pasted here.');
        return;
      }
      fillFrom(digits.length >= PIN_DIGITS ? 0 : i, digits);
    });
    box.addEventListener('focus', () => {
      // Always type into the first empty box, so digits stay in order.
      const empty = firstEmpty();
      if (empty !== -1 && empty < i) (boxes[empty] as HTMLInputElement).focus();
      else box.select();
    });
  });

  function setError(text: string): void {
    error.textContent = text;
    group.classList.toggle('invalid', text !== '');
    for (const b of boxes) b.setAttribute('aria-invalid', text ? 'true' : 'false');
  }

  return {
    element,
    focus: () => (boxes[Math.max(firstEmpty(), 0)] as HTMLInputElement).focus(),
    clear() {
      for (const b of boxes) b.value = '';
    },
    setError,
    setDisabled(disabled) {
      for (const b of boxes) b.disabled = disabled;
    },
    value,
  };
}
