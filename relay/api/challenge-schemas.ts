/**
 * Request and response schemas of the challenge endpoints. Field names follow Planbok's customer API
 * (planbok-reference.md §1a); checks that depend on the wallet's chain run in the route after lookup.
 */
import { z } from '@hono/zod-openapi';
import { CHALLENGE_KINDS, CHALLENGE_STATUSES } from '../challenges/kinds.js';
import { checkBase64, checkReturnUrl } from '../challenges/validation.js';
import { PaginationInfo, PaginationQuery } from '../http/pagination.js';

const refineWith = (check: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
  const problem = check(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

export const ReturnUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .superRefine(refineWith(checkReturnUrl))
  .openapi({
    example: 'https://shop.example/after-approval',
    description: 'Where the Gateway sends the customer back: https, or http on 127.0.0.1/localhost/[::1].',
  });

export const IdempotencyKeyField = z
  .string()
  .max(255)
  .optional()
  .openapi({ description: 'Same key + same body → the first response; same key + another body → 409.' });

const WalletId = z.string().uuid('must be a wallet id (UUID)');

const Memo = z
  .string()
  .max(256, 'must be at most 256 characters')
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters')
  .optional()
  .openapi({ description: 'Shown to the customer in the Gateway.' });

const DECIMAL = /^(0|[1-9]\d{0,77})(\.\d{1,77})?$/;
export const DecimalAmount = z
  .string()
  .regex(DECIMAL, 'must be a decimal string such as "1.5"')
  .refine((s) => /[1-9]/.test(s), 'must be greater than zero')
  .openapi({ example: '1.5' });

export const FeeLevel = z.enum(['low', 'medium', 'high']).default('medium');

const RefId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

const ChainId = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,39}$/, 'must be a chain id such as ETH, ETH-SEPOLIA, SOL-DEVNET');

/** initialize, recovery, update-pin, reset-pin, export-private-keys: only the return URL. */
export const RedirectOnlyBody = z
  .object({ redirectUrl: ReturnUrl, idempotencyKey: IdempotencyKeyField })
  .strict()
  .openapi('ChallengeRequest');

export const WalletCreateBody = z
  .object({
    blockchains: z
      .array(ChainId)
      .min(1, 'must name at least one blockchain')
      .max(16)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a blockchain'),
    accountType: z.literal('eoa', { message: 'must be "eoa" (smart accounts are not supported)' }).default('eoa'),
    metadata: z
      .array(z.object({ name: RefId.optional(), refId: RefId.optional() }).strict())
      .max(16)
      .optional()
      .openapi({ description: 'Optional name/refId per blockchain, in the same order.' }),
    redirectUrl: ReturnUrl,
    idempotencyKey: IdempotencyKeyField,
  })
  .strict()
  .refine((b) => !b.metadata || b.metadata.length === b.blockchains.length, {
    path: ['metadata'],
    message: 'must have one entry per blockchain',
  })
  .openapi('WalletCreateRequest');

export const TransferBody = z
  .object({
    walletId: WalletId,
    destinationAddress: z.string().min(1).max(128),
    tokenId: z.string().min(1).max(200).optional().openapi({ description: 'A token id; omit for the native asset.' }),
    tokenAddress: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: 'ERC-20 contract, SPL mint or NEP-141 account; omit for the native asset.' }),
    amounts: z.array(DecimalAmount).length(1, 'must hold exactly one amount for a fungible transfer'),
    feeLevel: FeeLevel,
    refId: RefId.optional(),
    redirectUrl: ReturnUrl,
    idempotencyKey: IdempotencyKeyField,
  })
  .strict()
  .refine((b) => !(b.tokenId && b.tokenAddress), {
    path: ['tokenAddress'],
    message: 'give tokenId or tokenAddress, not both',
  })
  .openapi('TransferRequest');

export const ContractExecutionBody = z
  .object({
    walletId: WalletId,
    contractAddress: z.string().min(1).max(128),
    abiFunctionSignature: z.string().min(3).max(1024).openapi({ example: 'transfer(address,uint256)' }),
    abiParameters: z
      .array(z.unknown())
      .max(64)
      .default([])
      .openapi({ description: 'Values in signature order (numbers as decimal strings).' }),
    amount: DecimalAmount.optional().openapi({ description: 'Native value sent with a payable call.' }),
    feeLevel: FeeLevel,
    refId: RefId.optional(),
    redirectUrl: ReturnUrl,
    idempotencyKey: IdempotencyKeyField,
  })
  .strict()
  .openapi('ContractExecutionRequest');

export const SignMessageBody = z
  .object({
    walletId: WalletId,
    message: z.string().min(1, 'must not be empty').max(16_384),
    encodedByHex: z.boolean().default(false),
    memo: Memo,
    redirectUrl: ReturnUrl,
    idempotencyKey: IdempotencyKeyField,
  })
  .strict()
  .refine((b) => !b.encodedByHex || /^0x([0-9a-fA-F]{2})+$/.test(b.message), {
    path: ['message'],
    message: 'must be 0x-prefixed hex bytes when encodedByHex is true',
  })
  .openapi('SignMessageRequest');

export const SignTypedDataBody = z
  .object({
    walletId: WalletId,
    typedData: z.string().min(2).max(32_768).openapi({ description: 'EIP-712 typed data as a JSON string.' }),
    memo: Memo,
    redirectUrl: ReturnUrl,
    idempotencyKey: IdempotencyKeyField,
  })
  .strict()
  .openapi('SignTypedDataRequest');

export const SignTransactionBody = z
  .object({
    walletId: WalletId,
    rawTransaction: z
      .string()
      .min(2)
      .max(65_536)
      .optional()
      .openapi({ description: 'Unsigned transaction: 0x-hex on EVM, base64 elsewhere.' }),
    transaction: z.string().min(2).max(65_536).optional().openapi({ description: 'The transaction as a JSON string.' }),
    memo: Memo,
    redirectUrl: ReturnUrl,
    idempotencyKey: IdempotencyKeyField,
  })
  .strict()
  .refine((b) => (b.rawTransaction === undefined) !== (b.transaction === undefined), {
    path: ['rawTransaction'],
    message: 'give exactly one of rawTransaction or transaction',
  })
  .openapi('SignTransactionRequest');

export const SignDelegateActionBody = z
  .object({
    walletId: WalletId,
    unsignedDelegateAction: z
      .string()
      .min(4)
      .max(65_536)
      .superRefine(refineWith((v) => checkBase64(v, 32_768)))
      .openapi({ description: 'Borsh-serialised NEAR DelegateAction, base64.' }),
    memo: Memo,
    redirectUrl: ReturnUrl,
    idempotencyKey: IdempotencyKeyField,
  })
  .strict()
  .openapi('SignDelegateActionRequest');

export const ChallengeCreatedSchema = z
  .object({
    challengeId: z.string().uuid(),
    id: z.string().uuid().openapi({ description: 'Same as challengeId.' }),
    customerId: z.string().uuid(),
    kind: z.enum(CHALLENGE_KINDS),
    status: z.enum(CHALLENGE_STATUSES),
    redirectUrl: z.string().openapi({ description: 'The relay Gateway page to send the customer to.' }),
    expiresAt: z.string(),
    createdAt: z.string(),
  })
  .openapi('ChallengeCreated');

export const ChallengeSchema = ChallengeCreatedSchema.extend({
  returnUrl: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()).nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  failureReason: z.string().nullable(),
  claimedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  prunedAt: z.string().nullable().openapi({ description: 'Set once payload and result were erased.' }),
}).openapi('Challenge');

export const ChallengeListQuery = PaginationQuery.extend({
  status: z.enum(CHALLENGE_STATUSES).optional(),
  kind: z.enum(CHALLENGE_KINDS).optional(),
});

export const ChallengeListSchema = z.object({ challenges: z.array(ChallengeSchema), pagination: PaginationInfo });
