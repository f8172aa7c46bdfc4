/**
 * A minimal ERC-20 (balanceOf, transfer with the Transfer event, decimals = 6) assembled from
 * opcodes here, because no Solidity compiler installs on this machine. The deployer receives the
 * whole supply. Storage slot of a holder's balance = the holder's address.
 */
const OP = {
  ADD: 0x01,
  SUB: 0x03,
  LT: 0x10,
  EQ: 0x14,
  SHR: 0x1c,
  CALLER: 0x33,
  CALLDATALOAD: 0x35,
  CODECOPY: 0x39,
  MSTORE: 0x52,
  SLOAD: 0x54,
  SSTORE: 0x55,
  JUMPI: 0x57,
  JUMPDEST: 0x5b,
  DUP1: 0x80,
  DUP2: 0x81,
  DUP3: 0x82,
  SWAP1: 0x90,
  LOG3: 0xa3,
  RETURN: 0xf3,
  REVERT: 0xfd,
} as const;

type Item = number | { push: bigint; size: number } | { label: string } | { ref: string };

const push = (value: bigint | number, size: number): Item => ({ push: BigInt(value), size });
const TRANSFER_TOPIC = 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3efn;

function assemble(items: Item[]): Uint8Array {
  const labels = new Map<string, number>();
  let pc = 0;
  for (const it of items) {
    if (typeof it === 'number') pc += 1;
    else if ('push' in it) pc += 1 + it.size;
    else if ('label' in it) {
      labels.set(it.label, pc);
      pc += 1; // JUMPDEST
    } else pc += 3; // PUSH2 label
  }
  const out: number[] = [];
  for (const it of items) {
    if (typeof it === 'number') out.push(it);
    else if ('push' in it) {
      out.push(0x5f + it.size);
      for (let i = it.size - 1; i >= 0; i--) out.push(Number((it.push >> BigInt(8 * i)) & 0xffn));
    } else if ('label' in it) out.push(OP.JUMPDEST);
    else {
      const target = labels.get(it.ref) as number;
      out.push(0x61, target >> 8, target & 0xff);
    }
  }
  return Uint8Array.from(out);
}

const runtime = assemble([
  push(0, 1),
  OP.CALLDATALOAD,
  push(224, 1),
  OP.SHR,
  OP.DUP1,
  push(0x70a08231, 4),
  OP.EQ,
  { ref: 'balanceOf' },
  OP.JUMPI,
  OP.DUP1,
  push(0xa9059cbb, 4),
  OP.EQ,
  { ref: 'transfer' },
  OP.JUMPI,
  OP.DUP1,
  push(0x313ce567, 4),
  OP.EQ,
  { ref: 'decimals' },
  OP.JUMPI,
  push(0, 1),
  OP.DUP1,
  OP.REVERT,
  { label: 'balanceOf' },
  push(4, 1),
  OP.CALLDATALOAD,
  OP.SLOAD,
  push(0, 1),
  OP.MSTORE,
  push(32, 1),
  push(0, 1),
  OP.RETURN,
  { label: 'decimals' },
  push(6, 1),
  push(0, 1),
  OP.MSTORE,
  push(32, 1),
  push(0, 1),
  OP.RETURN,
  { label: 'transfer' },
  push(36, 1),
  OP.CALLDATALOAD,
  OP.CALLER,
  OP.SLOAD, // amount, balance
  OP.DUP2,
  OP.DUP2,
  OP.LT,
  { ref: 'fail' },
  OP.JUMPI, // balance < amount → revert
  OP.DUP2,
  OP.SWAP1,
  OP.SUB,
  OP.CALLER,
  OP.SSTORE, // sender balance -= amount (a copy of amount stays below)
  push(4, 1),
  OP.CALLDATALOAD,
  OP.DUP1,
  OP.SLOAD,
  OP.DUP3,
  OP.ADD,
  OP.SWAP1,
  OP.SSTORE, // to balance += amount
  push(0, 1),
  OP.MSTORE,
  push(4, 1),
  OP.CALLDATALOAD,
  OP.CALLER,
  push(TRANSFER_TOPIC, 32),
  push(32, 1),
  push(0, 1),
  OP.LOG3,
  push(1, 1),
  push(0, 1),
  OP.MSTORE,
  push(32, 1),
  push(0, 1),
  OP.RETURN,
  { label: 'fail' },
  push(0, 1),
  OP.DUP1,
  OP.REVERT,
]);

/** Creation code: store the supply for the deployer, then return the runtime. */
export function tinyErc20CreationCode(supply: bigint): `0x${string}` {
  const constructorLength = 33 + 1 + 1 + 3 + 1 + 3 + 2 + 1 + 2 + 1;
  const ctor = assemble([
    push(supply, 32),
    OP.CALLER,
    OP.SSTORE,
    push(runtime.length, 2),
    OP.DUP1,
    push(constructorLength, 2),
    push(0, 1),
    OP.CODECOPY,
    push(0, 1),
    OP.RETURN,
  ]);
  if (ctor.length !== constructorLength) throw new Error('constructor length changed');
  return `0x${Buffer.from([...ctor, ...runtime]).toString('hex')}`;
}
