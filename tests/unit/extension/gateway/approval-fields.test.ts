import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderApprovalFields } from '../../../../extension/ui/components/approval-fields.js';

beforeAll(() => {
  // The component builds real DOM nodes through `document`; linkedom provides one in Node.
  (globalThis as { document?: unknown }).document = parseHTML('<!doctype html><html><body></body></html>').document;
});

describe('renderApprovalFields', () => {
  it('keeps the flat layout of existing callers: dt label, dd value with style class and hint', () => {
    const dl = renderApprovalFields([{ label: 'To', value: '0xabc', style: 'address', hint: 'Your friend' }]);
    expect(dl.getAttribute('data-testid')).toBe('approval-fields');
    expect(dl.querySelector('dt')?.textContent).toBe('To');
    expect(dl.querySelector('dd')?.className).toBe('value-address');
    expect(dl.querySelector('dd .value')?.textContent).toBe('0xabc');
    expect(dl.querySelector('dd .hint')?.textContent).toBe('Your friend');
  });

  it('marks warnings on both label and value, with a visible marker', () => {
    const dl = renderApprovalFields([{ label: 'Unknown function', value: 'cannot decode', tone: 'warning' }]);
    expect(dl.querySelector('dt')?.textContent).toBe('⚠ Unknown function');
    expect(dl.querySelector('dt')?.className).toBe('tone-warning');
    expect(dl.querySelector('dd')?.className).toBe('value-text tone-warning');
  });

  it('marks a passed check with a tick and the ok tone', () => {
    const dl = renderApprovalFields([{ label: 'Checked', value: 'matches', tone: 'ok' }]);
    expect(dl.querySelector('dt')?.textContent).toBe('✓ Checked');
    expect(dl.querySelector('dd')?.className).toBe('value-text tone-ok');
  });

  it('renders children as a nested list under a section heading', () => {
    const dl = renderApprovalFields([
      { label: 'Parameters', value: '', children: [{ label: 'spender (address)', value: '0x1', style: 'address' }] },
    ]);
    expect(dl.querySelector('dt')?.className).toBe('section');
    const nested = dl.querySelector('dd dl.fields-nested');
    expect(nested?.querySelector('dt')?.textContent).toBe('spender (address)');
    expect(nested?.hasAttribute('data-testid')).toBe(false);
  });

  it('stops nesting at eight levels and says how many fields were left out', () => {
    type F = { label: string; value: string; children?: F[] };
    let deepest: F = { label: 'leaf', value: 'x' };
    for (let i = 0; i < 10; i++) deepest = { label: `level ${i}`, value: '', children: [deepest, deepest] };
    const dl = renderApprovalFields([deepest]);
    expect(dl.querySelectorAll('dl').length).toBeLessThan(2 ** 9);
    expect(dl.textContent).toContain('2 more nested fields not shown');
  });

  it('text stays text: markup in a value is not parsed', () => {
    const dl = renderApprovalFields([{ label: 'Message', value: '<img src=x onerror=alert(1)>' }]);
    expect(dl.querySelector('img')).toBeNull();
    expect(dl.querySelector('dd .value')?.textContent).toBe('<img src=x onerror=alert(1)>');
  });
});
