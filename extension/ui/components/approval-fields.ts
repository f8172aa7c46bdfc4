/**
 * What is being approved, as a list of labelled fields (recipient, amount, network, message…). The
 * per-chain views (extension/gateway/approval-views) produce these fields; this component only lays
 * them out. A field may hold nested fields (a struct's members, an instruction's accounts), and a
 * warning is drawn so it cannot be mistaken for an ordinary value.
 */
import { h } from '../dom.js';

export interface ApprovalField {
  label: string;
  value: string;
  /** `address` and `mono` values are shown in a monospace font and may wrap anywhere. */
  style?: 'text' | 'address' | 'amount' | 'mono';
  /** A short explanation under the value (e.g. "Ethereum Sepolia, chain id 11155111"). */
  hint?: string;
  /**
   * `warning`: something the user must read before approving (undecodable data, unlimited
   * allowances, key changes), drawn in red with a marker; `highlight`: the part of a long structure
   * that matters most (a permit's spender and amount); `ok`: a check that passed (drawn in green).
   */
  tone?: 'warning' | 'highlight' | 'ok';
  /** Fields shown indented under this one; a field with children and no value is a section heading. */
  children?: readonly ApprovalField[];
}

const MAX_NESTING = 8;

function renderList(fields: readonly ApprovalField[], depth: number): HTMLElement {
  return h(
    'dl',
    depth === 0 ? { class: 'fields', 'data-testid': 'approval-fields' } : { class: 'fields fields-nested' },
    ...fields.flatMap((field) => {
      const tone = field.tone ? ` tone-${field.tone}` : '';
      const children = field.children && field.children.length > 0 ? field.children : undefined;
      return [
        h(
          'dt',
          { class: `${children ? 'section' : ''}${tone}`.trim() || undefined },
          field.tone === 'warning' ? `⚠ ${field.label}` : field.tone === 'ok' ? `✓ ${field.label}` : field.label,
        ),
        h(
          'dd',
          { class: `value-${field.style ?? 'text'}${tone}${children ? ' has-children' : ''}` },
          field.value === '' ? null : h('span', { class: 'value' }, field.value),
          field.hint ? h('span', { class: 'hint' }, field.hint) : null,
          children
            ? depth + 1 < MAX_NESTING
              ? renderList(children, depth + 1)
              : h('span', { class: 'hint' }, `${children.length} more nested fields not shown`)
            : null,
        ),
      ];
    }),
  );
}

export function renderApprovalFields(fields: readonly ApprovalField[]): HTMLElement {
  return renderList(fields, 0);
}
