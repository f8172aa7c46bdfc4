/**
 * What is being approved, as a list of labelled fields (recipient, amount, network, message…). The
 * chain-specific decoders of later steps produce these fields; this component only lays them out.
 */
import { h } from '../dom.js';

export interface ApprovalField {
  label: string;
  value: string;
  /** `address` and `mono` values are shown in a monospace font and may wrap anywhere. */
  style?: 'text' | 'address' | 'amount' | 'mono';
  /** A short explanation under the value (e.g. "Ethereum Sepolia, chain id 11155111"). */
  hint?: string;
}

export function renderApprovalFields(fields: readonly ApprovalField[]): HTMLElement {
  return h(
    'dl',
    { class: 'fields', 'data-testid': 'approval-fields' },
    ...fields.flatMap((field) => [
      h('dt', {}, field.label),
      h(
        'dd',
        { class: `value-${field.style ?? 'text'}` },
        field.value,
        field.hint ? h('span', { class: 'hint' }, field.hint) : null,
      ),
    ]),
  );
}
