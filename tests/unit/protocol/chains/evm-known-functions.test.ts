import { encodeFunctionData, erc20Abi, parseAbi } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodeEvmCall } from '../../../../protocol/chains/evm/known-functions.js';

const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('decodeEvmCall', () => {
  it('empty calldata is no call', () => {
    expect(decodeEvmCall('0x')).toEqual({ kind: 'none' });
  });

  it('recognises an ERC-20 transfer by selector, with parameter names', () => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [TO, 5n] });
    const d = decodeEvmCall(data);
    expect(d.kind).toBe('decoded');
    if (d.kind !== 'decoded') return;
    expect(d.function.signature).toBe('transfer(address,uint256)');
    expect(d.function.inputs.map((i) => i.name)).toEqual(['to', 'amount']);
    expect(d.values).toEqual([TO, '5']);
    expect(d.known?.title).toBe('Token transfer (ERC-20)');
  });

  it('marks approve as granting an allowance', () => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [TO, 1n] });
    const d = decodeEvmCall(data);
    expect(d.kind === 'decoded' && d.known?.grants).toBe('allowance');
  });

  it('an unknown selector without a signature is unknown, with the selector', () => {
    const data = encodeFunctionData({ abi: parseAbi(['function frob(uint256)']), args: [1n] });
    expect(decodeEvmCall(data)).toEqual({ kind: 'unknown', selector: data.slice(0, 10), data });
  });

  it('an unknown selector decodes with the signature the caller vouches for, keeping its names', () => {
    const data = encodeFunctionData({ abi: parseAbi(['function frob(uint256 level, string tag)']), args: [7n, 'x'] });
    const d = decodeEvmCall(data, 'frob(uint256 level,string tag)');
    expect(d.kind === 'decoded' && d.values).toEqual(['7', 'x']);
    expect(d.kind === 'decoded' && d.function.inputs.map((i) => i.name)).toEqual(['level', 'tag']);
  });

  it('a signature whose selector differs from the calldata is malformed', () => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [TO, 1n] });
    const d = decodeEvmCall(data, 'frob(uint256)');
    expect(d.kind).toBe('malformed');
  });

  it('a known selector with truncated arguments is malformed, with the reason', () => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [TO, 5n] });
    const d = decodeEvmCall(data.slice(0, 50));
    expect(d.kind).toBe('malformed');
    expect(d.kind === 'malformed' && d.reason).toContain('32-byte word');
  });

  it('calldata shorter than a selector is malformed', () => {
    expect(decodeEvmCall('0xabcd').kind).toBe('malformed');
  });

  it('calldata that is not hex is malformed, not a throw', () => {
    expect(decodeEvmCall('0xzz').kind).toBe('malformed');
    expect(decodeEvmCall(42 as unknown as string).kind).toBe('malformed');
  });
});
