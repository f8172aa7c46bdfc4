/**
 * EIP-712 typed data (`sign/typed-data`): the domain (who will accept the signature, on which chain),
 * the primary type and the message as a nested list typed by the declared struct types. Well-known
 * permissions — EIP-2612 / DAI `Permit` and Uniswap Permit2 (`PermitSingle`, `PermitBatch`,
 * `PermitTransferFrom`, `PermitBatchTransferFrom`) — are summarised first: spender, token, amount
 * ("Unlimited" at the type's maximum) and deadline, because such a signature moves tokens later
 * without any transaction from the user. Message keys that are not declared (and so not signed) are
 * flagged, as are missing ones.
 */
import { type TypedData, typedDataDigest } from '../../../protocol/chains/evm/messages.js';
import { type KnownNetwork, knownEvmNetwork, knownToken } from '../../../protocol/chains/networks.js';
import {
  type ApprovalField,
  address,
  field,
  formatAmount,
  rawFallback,
  section,
  toBigInt,
  type ViewContext,
  walletField,
  warning,
} from './common.js';

type Types = Record<string, { name: string; type: string }[]>;
const MAX_DEPTH = 8;
const MAX_ITEMS = 100;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Seconds since 1970 as "2030-01-01 00:00 UTC", or undefined when not a plausible date. */
export function formatDeadline(value: unknown): string | undefined {
  const n = toBigInt(typeof value === 'number' ? Math.trunc(value) : value);
  if (n === undefined) return undefined;
  if (n >= 253402300800n) return 'Never (no practical deadline)';
  return `${new Date(Number(n) * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function maxOf(type: string): bigint | undefined {
  const m = /^uint(\d*)$/.exec(type);
  return m ? (1n << BigInt(m[1] || '256')) - 1n : undefined;
}

function typedValue(label: string, type: string, value: unknown, types: Types, depth: number): ApprovalField {
  const full = `${label} (${type})`;
  if (value === undefined || value === null) return warning(full, 'Missing: the signature cannot be made without it.');
  if (depth > MAX_DEPTH)
    return field(full, JSON.stringify(value), { style: 'mono', hint: 'Nested too deeply to lay out' });
  const declared = types[type];
  if (declared) {
    if (!isRecord(value)) return warning(full, `Expected a ${type} struct, found ${JSON.stringify(value)}`);
    return section(full, structFields(type, value, types, depth + 1));
  }
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return warning(full, `Expected a list, found ${JSON.stringify(value)}`);
    const inner = array[1] as string;
    const items = value.slice(0, MAX_ITEMS).map((v, i) => typedValue(`[${i}]`, inner, v, types, depth + 1));
    if (value.length > MAX_ITEMS)
      items.push(warning('More items', `${value.length - MAX_ITEMS} more items are not shown.`));
    return section(
      full,
      items,
      value.length === 0 ? '(empty)' : value.length === 1 ? '1 item' : `${value.length} items`,
    );
  }
  if (type === 'address') return address(full, String(value));
  const max = maxOf(type);
  if (max !== undefined && toBigInt(value) === max)
    return field(full, 'Unlimited', { tone: 'warning', hint: `The largest ${type} (${String(value)})` });
  if (type === 'string') return field(full, JSON.stringify(String(value)));
  if (type === 'bool') return field(full, String(value));
  return field(full, typeof value === 'string' ? value : JSON.stringify(value), { style: 'mono' });
}

function structFields(type: string, data: Record<string, unknown>, types: Types, depth: number): ApprovalField[] {
  const declared = types[type] ?? [];
  const fields = declared.map((f) => typedValue(f.name, f.type, data[f.name], types, depth));
  const extra = Object.keys(data).filter((k) => !declared.some((f) => f.name === k));
  if (extra.length > 0)
    fields.push(
      warning(
        'Not signed',
        `These values are in the request but not part of what is signed, so they mean nothing: ${extra.join(', ')}.`,
      ),
    );
  return fields;
}

interface Permission {
  spender: unknown;
  token: unknown;
  amount: unknown;
  amountType: string;
  deadline: unknown;
  deadlineLabel: string;
}

/** The permissions a well-known permit grants, one per token. */
function permissions(td: TypedData): { title: string; list: Permission[] } | undefined {
  const m = td.message;
  const token = td.domain.verifyingContract;
  const fieldType = (struct: string, name: string) => td.types[struct]?.find((f) => f.name === name)?.type ?? 'uint256';
  if (td.primaryType === 'Permit' && 'spender' in m) {
    if ('allowed' in m)
      return {
        title: 'Token permit (DAI style)',
        list: [
          {
            spender: m.spender,
            token,
            amount: m.allowed === true ? 'unlimited' : 'none (revokes)',
            amountType: 'bool',
            deadline: m.expiry,
            deadlineLabel: 'Valid until',
          },
        ],
      };
    return {
      title: 'Token permit (EIP-2612)',
      list: [
        {
          spender: m.spender,
          token,
          amount: m.value,
          amountType: fieldType('Permit', 'value'),
          deadline: m.deadline,
          deadlineLabel: 'Valid until',
        },
      ],
    };
  }
  const details = (d: unknown, kind: 'allowance' | 'transfer', deadline: unknown): Permission | undefined =>
    isRecord(d)
      ? {
          spender: m.spender,
          token: d.token,
          amount: d.amount,
          amountType: kind === 'allowance' ? 'uint160' : 'uint256',
          deadline: kind === 'allowance' ? d.expiration : deadline,
          deadlineLabel: kind === 'allowance' ? 'Allowance expires' : 'Valid until',
        }
      : undefined;
  const list = (xs: (Permission | undefined)[]) => xs.filter((x): x is Permission => x !== undefined);
  if (td.primaryType === 'PermitSingle')
    return { title: 'Permit2 allowance', list: list([details(m.details, 'allowance', undefined)]) };
  if (td.primaryType === 'PermitBatch' && Array.isArray(m.details))
    return {
      title: 'Permit2 allowances',
      list: list(m.details.slice(0, MAX_ITEMS).map((d) => details(d, 'allowance', undefined))),
    };
  if (td.primaryType === 'PermitTransferFrom')
    return { title: 'Permit2 transfer', list: list([details(m.permitted, 'transfer', m.deadline)]) };
  if (td.primaryType === 'PermitBatchTransferFrom' && Array.isArray(m.permitted))
    return {
      title: 'Permit2 transfers',
      list: list(m.permitted.slice(0, MAX_ITEMS).map((d) => details(d, 'transfer', m.deadline))),
    };
  return undefined;
}

function permissionFields(p: Permission, network: KnownNetwork | undefined): ApprovalField[] {
  const token = typeof p.token === 'string' ? knownToken(network, { address: p.token }) : undefined;
  const amount = toBigInt(p.amount);
  const max = maxOf(p.amountType);
  let amountField: ApprovalField;
  if (p.amountType === 'bool')
    amountField = field('Amount', String(p.amount), { tone: p.amount === 'unlimited' ? 'warning' : 'highlight' });
  else if (amount !== undefined && (amount === max || amount === (1n << 256n) - 1n))
    amountField = field('Amount', 'Unlimited', {
      tone: 'warning',
      hint: `${token ? token.symbol : 'The token'}: every unit you hold, now and later`,
    });
  else if (amount !== undefined && token)
    amountField = field('Amount', formatAmount(amount, token), {
      style: 'amount',
      tone: 'highlight',
      hint: `${amount} base units`,
    });
  else
    amountField = field('Amount', `${String(p.amount)} base units`, {
      style: 'amount',
      tone: 'highlight',
      hint: 'Token decimals unknown',
    });
  const deadline = formatDeadline(p.deadline);
  return [
    field('Spender', String(p.spender), {
      style: 'address',
      tone: 'highlight',
      hint: 'May move the tokens without asking you again',
    }),
    field('Token', String(p.token), {
      style: 'address',
      hint: token ? token.symbol : 'A token this extension does not know',
    }),
    amountField,
    deadline?.startsWith('Never')
      ? warning(p.deadlineLabel, deadline)
      : field(p.deadlineLabel, deadline ?? String(p.deadline), { tone: 'highlight' }),
  ];
}

export function typedDataFields(raw: unknown, ctx: ViewContext): ApprovalField[] {
  let td: unknown = raw;
  if (typeof raw === 'string') {
    try {
      td = JSON.parse(raw);
    } catch {
      return rawFallback('The typed data is not JSON.', raw);
    }
  }
  if (
    !isRecord(td) ||
    !isRecord(td.types) ||
    !isRecord(td.domain) ||
    !isRecord(td.message) ||
    typeof td.primaryType !== 'string'
  )
    return rawFallback('The typed data lacks types, primaryType, domain or message.', td);
  const data = td as unknown as TypedData;
  const types = data.types as Types;
  if (
    Object.values(types).some(
      (fields) =>
        !Array.isArray(fields) ||
        fields.some((f) => !isRecord(f) || typeof f.name !== 'string' || typeof f.type !== 'string'),
    )
  )
    return rawFallback('The typed data declares its types in an unknown shape.', td);
  const fields: ApprovalField[] = [];
  try {
    typedDataDigest(data);
  } catch (error) {
    fields.push(
      warning('Malformed typed data', `The wallet cannot compute what would be signed: ${(error as Error).message}`),
    );
  }
  const chainId = toBigInt(data.domain.chainId);
  const chain = chainId !== undefined ? knownEvmNetwork(chainId) : undefined;
  const network = chain ?? ctx.network;
  const perms = permissions(data);
  if (perms && perms.list.length > 0) {
    fields.push(
      warning(
        'Token permission',
        `Signing this lets the spender move your tokens later, with no further approval or transaction from you.`,
      ),
      ...perms.list.map((p, i) =>
        section(perms.list.length > 1 ? `${perms.title} ${i + 1}` : perms.title, permissionFields(p, network)),
      ),
    );
  }
  const domainTypes =
    types.EIP712Domain ??
    Object.keys(data.domain).map((name) => ({
      name,
      type:
        name === 'chainId'
          ? 'uint256'
          : name === 'verifyingContract'
            ? 'address'
            : name === 'salt'
              ? 'bytes32'
              : 'string',
    }));
  const domainChildren = structFields('EIP712Domain', data.domain, { ...types, EIP712Domain: domainTypes }, 1).map(
    (f) =>
      f.label.startsWith('chainId') && chainId !== undefined
        ? { ...f, hint: chain ? chain.name : 'A chain this extension does not know' }
        : f,
  );
  fields.push(section('Domain', domainChildren, '', 'Who accepts this signature, and where'));
  if (chainId !== undefined && ctx.network?.evmChainId !== undefined && BigInt(ctx.network.evmChainId) !== chainId)
    fields.push(
      warning(
        'Other chain',
        `The wallet is on ${ctx.network.name} (chain id ${ctx.network.evmChainId}) but this signature is for chain id ${chainId}.`,
      ),
    );
  if (chainId === undefined)
    fields.push(warning('No chain id', 'The domain names no chain: the signature may be valid on every chain.'));
  fields.push(
    section(`Message: ${data.primaryType}`, structFields(data.primaryType, data.message, types, 1)),
    ...walletField(ctx, 'Signed by'),
  );
  return fields;
}
