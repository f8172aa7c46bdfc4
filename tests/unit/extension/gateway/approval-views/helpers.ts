/** Builders and lookups shared by the approval-view tests. */
import type { GatewayChallenge } from '../../../../../extension/background/challenge-reader.js';
import type { ApprovalField } from '../../../../../extension/ui/components/approval-fields.js';

export function challenge(kind: string, payload: Record<string, unknown> | null): GatewayChallenge {
  return {
    challengeId: '11111111-1111-4111-8111-111111111111',
    kind,
    status: 'pending',
    expiresAt: '2030-01-01T00:00:00.000Z',
    customerId: 'cus_1',
    businessName: 'Acme Shop',
    hasPin: true,
    hasRecovery: true,
    locked: false,
    payload,
    returnUrl: null,
  };
}

/** Every field, depth first, with its path of labels. */
export function walk(
  fields: readonly ApprovalField[],
  path: string[] = [],
): { field: ApprovalField; path: string[] }[] {
  return fields.flatMap((field) => [
    { field, path: [...path, field.label] },
    ...walk(field.children ?? [], [...path, field.label]),
  ]);
}

/** The first field (at any depth) whose label is `label`; fails the test when there is none. */
export function find(fields: readonly ApprovalField[], label: string | RegExp): ApprovalField {
  const hit = walk(fields).find(({ field }) =>
    typeof label === 'string' ? field.label === label : label.test(field.label),
  );
  if (!hit) throw new Error(`no field ${label} in ${JSON.stringify(walk(fields).map((w) => w.path.join(' › ')))}`);
  return hit.field;
}

/** Labels of the warnings, at any depth. */
export function warnings(fields: readonly ApprovalField[]): string[] {
  return walk(fields)
    .filter(({ field }) => field.tone === 'warning')
    .map(({ field }) => field.label);
}

export function labels(fields: readonly ApprovalField[]): string[] {
  return fields.map((f) => f.label);
}

/** All text (labels, values, hints) of the fields, for "is it shown anywhere" checks. */
export function allText(fields: readonly ApprovalField[]): string {
  return walk(fields)
    .map(({ field }) => `${field.label}: ${field.value} ${field.hint ?? ''}`)
    .join('\n');
}
