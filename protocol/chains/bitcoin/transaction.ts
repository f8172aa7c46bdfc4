/**
 * Bitcoin transfers from one wallet address (all inputs are the wallet's own UTXOs, one address type):
 * coin selection, fee = vsize × feerate, the per-input signature hashes — BIP143 for P2WPKH (ECDSA,
 * SIGHASH_ALL) and BIP341 for P2TR key-path (BIP340, SIGHASH_DEFAULT) — and the signed transaction.
 * Transactions are version 2 with nSequence 0xfffffffd (BIP125 opt-in RBF, so a stuck transfer can
 * be accelerated later).
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { concatBytes, hexToBytes } from '@noble/hashes/utils.js';
import { p2pkh, p2tr, p2wpkh, SigHash, Transaction } from '@scure/btc-signer';
import { bytesToHex } from '../../bytes.js';
import { InvalidArgumentError } from '../../errors.js';
import { parseBaseUnits } from '../amounts.js';
import type { ChainSignature, SignedTransaction, SigningRequest } from '../types.js';
import { type BitcoinAddressType, bitcoinAddressFromPublicKey, bitcoinOutputScript, xOnly } from './address.js';
import { type BitcoinNetworkName, bitcoinNetwork } from './network.js';

export interface Utxo {
  /** Big-endian display txid (as explorers and Esplora show it). */
  txid: string;
  vout: number;
  /** Satoshis, decimal string. */
  value: string;
}

export interface BitcoinOutput {
  address: string;
  value: string;
  /** True for the change output back to the sender. */
  change: boolean;
}

export interface BitcoinUnsignedTransaction {
  family: 'bitcoin';
  network: BitcoinNetworkName;
  addressType: BitcoinAddressType;
  from: string;
  /** P2WPKH: the 33-byte compressed signing key; P2TR: the BIP86 internal key (33-byte compressed or 32-byte x-only). Hex. */
  publicKey: string;
  derivationPath: string;
  inputs: Utxo[];
  outputs: BitcoinOutput[];
  /** sat/vB used for the fee. */
  feeRate: number;
  /** Satoshis: Σ inputs − Σ outputs. */
  fee: string;
}

const SEQUENCE_RBF = 0xfffffffd;
const MAX_INPUTS = 200;
/** Outputs below these are non-standard dust (Bitcoin Core, 3 sat/vB dust relay fee). */
const DUST = { p2wpkh: 294n, p2tr: 330n, other: 546n };
/** Witness weight units per input, upper bounds: 73-byte DER+hashtype and 33-byte key; 64-byte Schnorr. */
const INPUT_WITNESS_WU = { p2wpkh: 1 + 1 + 73 + 1 + 33, p2tr: 1 + 1 + 64 };
const MAX_FEE_RATE = 10_000;

/** Virtual size upper bound (BIP141: weight = 4·base + witness; vsize = ⌈weight/4⌉). */
export function estimateBitcoinVsize(
  inputCount: number,
  addressType: BitcoinAddressType,
  outputScripts: Uint8Array[],
): number {
  const varint = (n: number) => (n < 0xfd ? 1 : 3);
  const base =
    4 +
    varint(inputCount) +
    inputCount * (32 + 4 + 1 + 4) +
    varint(outputScripts.length) +
    outputScripts.reduce((s, o) => s + 8 + varint(o.length) + o.length, 0) +
    4;
  const witness = 2 + inputCount * INPUT_WITNESS_WU[addressType];
  return Math.ceil((base * 4 + witness) / 4);
}

export interface BitcoinTransferParams {
  network: BitcoinNetworkName;
  addressType: BitcoinAddressType;
  publicKey: string;
  derivationPath: string;
  utxos: Utxo[];
  to: string;
  /** Satoshis, decimal string. */
  amount: string;
  /** sat/vB. */
  feeRate: number;
}

/**
 * Largest-first coin selection with a change output back to the sender, dropped (its value going to
 * the fee) when it would be dust.
 */
export function buildBitcoinTransfer(p: BitcoinTransferParams): BitcoinUnsignedTransaction {
  const from = bitcoinAddressFromPublicKey(
    hexToBytes(checkPublicKey(p.publicKey, p.addressType, 'publicKey')),
    p.addressType,
    p.network,
  );
  const amount = parseBaseUnits(p.amount, 'amount');
  const destScript = bitcoinOutputScript(p.to, p.network, 'destinationAddress');
  const changeScript = bitcoinOutputScript(from, p.network);
  if (amount < dustOf(destScript))
    throw new InvalidArgumentError('amount', `at least ${dustOf(destScript)} sat (dust limit)`, amount.toString());
  checkFeeRate(p.feeRate);
  const utxos = [...p.utxos]
    .map((u, i) => checkUtxo(u, `utxos.${i}`))
    .sort((a, b) => (BigInt(b.value) > BigInt(a.value) ? 1 : -1));
  const chosen: Utxo[] = [];
  let total = 0n;
  for (const utxo of utxos) {
    if (chosen.length >= MAX_INPUTS) break;
    chosen.push(utxo);
    total += BigInt(utxo.value);
    const feeNoChange = fee(chosen.length, [destScript]);
    if (total < amount + feeNoChange) continue;
    const feeWithChange = fee(chosen.length, [destScript, changeScript]);
    const change = total - amount - feeWithChange;
    const outputs: BitcoinOutput[] = [{ address: p.to, value: amount.toString(), change: false }];
    if (change >= dustOf(changeScript)) outputs.push({ address: from, value: change.toString(), change: true });
    const spent = outputs.reduce((s, o) => s + BigInt(o.value), 0n);
    return validateBitcoinTransaction({
      family: 'bitcoin',
      network: p.network,
      addressType: p.addressType,
      from,
      publicKey: p.publicKey,
      derivationPath: p.derivationPath,
      inputs: chosen,
      outputs,
      feeRate: p.feeRate,
      fee: (total - spent).toString(),
    });
  }
  const available = utxos.reduce((s, u) => s + BigInt(u.value), 0n);
  throw new InvalidArgumentError(
    'amount',
    `at most the spendable balance minus the fee (${available} sat available)`,
    amount.toString(),
  );

  function fee(inputs: number, outputs: Uint8Array[]): bigint {
    return BigInt(Math.ceil(estimateBitcoinVsize(inputs, p.addressType, outputs) * p.feeRate));
  }
}

function dustOf(script: Uint8Array): bigint {
  if (script.length === 22 && script[0] === 0) return DUST.p2wpkh;
  if (script.length === 34 && script[0] === 0x51) return DUST.p2tr;
  return DUST.other;
}

function checkFeeRate(rate: number): void {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 1 || rate > MAX_FEE_RATE) {
    throw new InvalidArgumentError('feeRate', `a fee rate from 1 to ${MAX_FEE_RATE} sat/vB`, String(rate));
  }
}

function checkHex(value: string, field: string, bytes: number): string {
  if (typeof value !== 'string' || !new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(value)) {
    throw new InvalidArgumentError(
      field,
      `${bytes} bytes of lower-case hex`,
      typeof value === 'string' ? `${value.length} chars` : typeof value,
    );
  }
  return value;
}

function checkPublicKey(value: string, type: BitcoinAddressType, field: string): string {
  if (type === 'p2tr' && typeof value === 'string' && value.length === 64) return checkHex(value, field, 32);
  return checkHex(value, field, 33);
}

function checkUtxo(u: Utxo, field: string): Utxo {
  checkHex(u?.txid, `${field}.txid`, 32);
  if (!Number.isSafeInteger(u.vout) || u.vout < 0 || u.vout > 0xffffffff)
    throw new InvalidArgumentError(`${field}.vout`, 'a uint32', String(u.vout));
  if (parseBaseUnits(u.value, `${field}.value`) === 0n)
    throw new InvalidArgumentError(`${field}.value`, 'a positive amount', '0');
  return { txid: u.txid, vout: u.vout, value: u.value };
}

/** Validates the unsigned transaction (addresses, sums, fee, fee rate) and returns it unchanged. */
export function validateBitcoinTransaction(tx: BitcoinUnsignedTransaction): BitcoinUnsignedTransaction {
  if (tx?.family !== 'bitcoin') throw new InvalidArgumentError('transaction.family', '"bitcoin"', String(tx?.family));
  const expectedFrom = bitcoinAddressFromPublicKey(
    hexToBytes(checkPublicKey(tx.publicKey, tx.addressType, 'transaction.publicKey')),
    tx.addressType,
    tx.network,
  );
  if (tx.from !== expectedFrom)
    throw new InvalidArgumentError('transaction.from', `the address of publicKey (${expectedFrom})`, tx.from);
  if (!Array.isArray(tx.inputs) || tx.inputs.length === 0 || tx.inputs.length > MAX_INPUTS) {
    throw new InvalidArgumentError('transaction.inputs', `1 to ${MAX_INPUTS} inputs`, String(tx.inputs?.length));
  }
  if (!Array.isArray(tx.outputs) || tx.outputs.length === 0 || tx.outputs.length > 20) {
    throw new InvalidArgumentError('transaction.outputs', '1 to 20 outputs', String(tx.outputs?.length));
  }
  checkFeeRate(tx.feeRate);
  const inSum = tx.inputs.reduce((s, u, i) => s + BigInt(checkUtxo(u, `transaction.inputs.${i}`).value), 0n);
  const outSum = tx.outputs.reduce((s, o, i) => {
    const script = bitcoinOutputScript(o.address, tx.network, `transaction.outputs.${i}.address`);
    const v = parseBaseUnits(o.value, `transaction.outputs.${i}.value`);
    if (v < dustOf(script))
      throw new InvalidArgumentError(`transaction.outputs.${i}.value`, `at least ${dustOf(script)} sat`, v.toString());
    if (o.change && o.address !== tx.from)
      throw new InvalidArgumentError(`transaction.outputs.${i}.address`, 'change back to the sender', o.address);
    return s + v;
  }, 0n);
  const fee = parseBaseUnits(tx.fee, 'transaction.fee');
  if (inSum - outSum !== fee)
    throw new InvalidArgumentError('transaction.fee', `inputs − outputs = ${inSum - outSum}`, fee.toString());
  const seen = new Set(tx.inputs.map((u) => `${u.txid}:${u.vout}`));
  if (seen.size !== tx.inputs.length)
    throw new InvalidArgumentError('transaction.inputs', 'distinct outpoints', 'a duplicate');
  return tx;
}

function toScureTransaction(tx: BitcoinUnsignedTransaction): {
  t: Transaction;
  prevScripts: Uint8Array[];
  amounts: bigint[];
} {
  const v = validateBitcoinTransaction(tx);
  const pub = hexToBytes(v.publicKey);
  const net = bitcoinNetwork(v.network);
  const prevScript = v.addressType === 'p2wpkh' ? p2wpkh(pub, net).script : p2tr(xOnly(pub), undefined, net).script;
  const t = new Transaction({ version: 2 });
  for (const u of v.inputs) {
    t.addInput({
      txid: u.txid,
      index: u.vout,
      sequence: SEQUENCE_RBF,
      witnessUtxo: { script: prevScript, amount: BigInt(u.value) },
    });
  }
  for (const o of v.outputs)
    t.addOutput({ script: bitcoinOutputScript(o.address, v.network), amount: BigInt(o.value) });
  return { t, prevScripts: v.inputs.map(() => prevScript), amounts: v.inputs.map((u) => BigInt(u.value)) };
}

/** One signature hash per input, in input order. */
export function bitcoinSigningRequests(tx: BitcoinUnsignedTransaction): SigningRequest[] {
  const { t, prevScripts, amounts } = toScureTransaction(tx);
  const pub = hexToBytes(tx.publicKey);
  return tx.inputs.map((_, i) => {
    if (tx.addressType === 'p2wpkh') {
      // BIP143 scriptCode for P2WPKH is the P2PKH script of the key hash.
      const digest = t.preimageWitnessV0(i, p2pkh(pub).script, SigHash.ALL, amounts[i] as bigint);
      return {
        scheme: 'ecdsa-secp256k1',
        keyFamily: 'bitcoin',
        digest,
        derivationPath: tx.derivationPath,
        inputIndex: i,
      } as const;
    }
    const digest = t.preimageWitnessV1(i, prevScripts, SigHash.DEFAULT, amounts);
    return {
      scheme: 'bip340',
      keyFamily: 'bitcoin',
      digest,
      derivationPath: tx.derivationPath,
      taproot: 'bip86',
      inputIndex: i,
    } as const;
  });
}

/** The BIP86 output key (x-only) a P2TR input's Schnorr signature verifies under. */
export function taprootOutputKey(publicKey: Uint8Array): Uint8Array {
  return p2tr(xOnly(publicKey)).tweakedPubkey;
}

/**
 * Puts the signatures into the witnesses after verifying each one against its input's sighash and
 * the expected key, then returns the raw transaction and txid.
 */
export function assembleBitcoinTransaction(
  tx: BitcoinUnsignedTransaction,
  signatures: ChainSignature[],
): SignedTransaction {
  const requests = bitcoinSigningRequests(tx);
  if (!Array.isArray(signatures) || signatures.length !== requests.length) {
    throw new InvalidArgumentError(
      'signatures',
      `${requests.length} signatures, one per input`,
      String(signatures?.length),
    );
  }
  const { t } = toScureTransaction(tx);
  const pub = hexToBytes(tx.publicKey);
  requests.forEach((request, i) => {
    const sig = signatures[i] as ChainSignature;
    if (request.scheme === 'ecdsa-secp256k1') {
      if (sig.scheme !== 'ecdsa-secp256k1')
        throw new InvalidArgumentError(`signatures.${i}.scheme`, '"ecdsa-secp256k1"', sig.scheme);
      const compact = concatBytes(
        hexToBytes(checkHex(sig.r, `signatures.${i}.r`, 32)),
        hexToBytes(checkHex(sig.s, `signatures.${i}.s`, 32)),
      );
      const parsed = secp256k1.Signature.fromBytes(compact, 'compact');
      if (parsed.hasHighS()) throw new InvalidArgumentError(`signatures.${i}.s`, 'low-s (BIP146 standardness)');
      if (!secp256k1.verify(compact, request.digest, pub, { prehash: false })) {
        throw new InvalidArgumentError(
          `signatures.${i}`,
          `a valid signature of input ${i} by the wallet key`,
          'one that does not verify',
        );
      }
      t.updateInput(
        i,
        { finalScriptWitness: [concatBytes(parsed.toBytes('der'), Uint8Array.of(SigHash.ALL)), pub] },
        true,
      );
    } else if (request.scheme === 'bip340') {
      if (sig.scheme !== 'bip340') throw new InvalidArgumentError(`signatures.${i}.scheme`, '"bip340"', sig.scheme);
      const bytes = hexToBytes(checkHex(sig.signature, `signatures.${i}.signature`, 64));
      if (!schnorr.verify(bytes, request.digest, taprootOutputKey(pub))) {
        throw new InvalidArgumentError(
          `signatures.${i}`,
          `a valid BIP340 signature of input ${i} by the tweaked output key`,
          'one that does not verify',
        );
      }
      t.updateInput(i, { finalScriptWitness: [bytes] }, true);
    }
  });
  const raw = t.extract();
  return { raw: bytesToHex(raw), encoding: 'hex', hash: t.id };
}
