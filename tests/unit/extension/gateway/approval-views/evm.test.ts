import { encodeFunctionData, erc20Abi, maxUint256, parseAbi, serializeTransaction } from 'viem';
import { describe, expect, it } from 'vitest';
import { describeFields } from '../../../../../extension/gateway/describe.js';
import { buildEvmNativeTransfer, buildEvmTokenTransfer } from '../../../../../protocol/chains/evm/transaction.js';
import { allText, challenge, find, warnings } from './helpers.js';

const WALLET = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const USDC_SEPOLIA = '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238';
const SPENDER = '0x3fC91A3afd70395Cd496C647d5a6CC9D4B2b7FAD';
const base = { blockchain: 'ETH-SEPOLIA', fromAddress: WALLET, walletId: 'w1', feeLevel: 'medium' };
const txBase = {
  chainId: 11155111,
  from: WALLET,
  derivationPath: 'm/0/0',
  nonce: 7,
  gasLimit: '65000',
  fees: { maxFeePerGas: '30000000000', maxPriorityFeePerGas: '1500000000' },
};

describe('EVM transfer as requested', () => {
  it('native: amount in ETH, recipient, chain name with id, wallet, fee level', () => {
    const fields = describeFields(challenge('transfer', { ...base, destinationAddress: TO, amounts: ['0.25'] }));
    expect(find(fields, 'Amount')).toMatchObject({ value: '0.25 ETH', style: 'amount', hint: 'Native coin' });
    expect(find(fields, 'To')).toMatchObject({ value: TO, style: 'address' });
    expect(find(fields, 'Network')).toMatchObject({ value: 'Ethereum Sepolia' });
    expect(find(fields, 'Network').hint).toContain('chain id 11155111');
    expect(find(fields, 'From').value).toBe(WALLET);
    expect(find(fields, 'Network fee').value).toBe('medium');
    expect(warnings(fields)).toEqual([]);
  });

  it('ERC-20 by registry id: the token symbol and its contract', () => {
    const fields = describeFields(
      challenge('transfer', { ...base, destinationAddress: TO, amounts: ['12.5'], tokenId: 'ETH-SEPOLIA:USDC' }),
    );
    expect(find(fields, 'Amount').value).toBe('12.5 USDC');
    expect(find(fields, 'Amount').hint).toContain(USDC_SEPOLIA);
  });

  it('an ERC-20 this extension does not know is named by its contract under a warning', () => {
    const fields = describeFields(
      challenge('transfer', { ...base, destinationAddress: TO, amounts: ['3'], tokenAddress: SPENDER }),
    );
    expect(find(fields, 'Amount').value).toBe('3 tokens');
    expect(warnings(fields)).toContain('Unknown token');
  });
});

describe('EVM contract call as requested', () => {
  it('decodes the call from signature and parameters, with named parameters of a standard function', () => {
    const fields = describeFields(
      challenge('contract-execution', {
        ...base,
        contractAddress: USDC_SEPOLIA,
        abiFunctionSignature: 'approve(address,uint256)',
        abiParameters: [SPENDER, '5000000'],
      }),
    );
    expect(find(fields, 'Contract').value).toBe(USDC_SEPOLIA);
    expect(find(fields, 'Function')).toMatchObject({
      value: 'approve(address,uint256)',
      hint: 'Approve token spending',
    });
    expect(find(fields, 'spender (address)').value).toBe(SPENDER);
    expect(find(fields, 'amount (uint256)')).toMatchObject({ value: '5 USDC', hint: '5000000 base units' });
    expect(find(fields, 'Spending permission').value).toContain(`Lets ${SPENDER} spend your USDC later`);
  });

  it('an unlimited approval says so', () => {
    const fields = describeFields(
      challenge('contract-execution', {
        ...base,
        contractAddress: USDC_SEPOLIA,
        abiFunctionSignature: 'approve(address spender,uint256 amount)',
        abiParameters: [SPENDER, maxUint256.toString()],
      }),
    );
    expect(find(fields, 'amount (uint256)').value).toMatch(/^Unlimited/);
    expect(find(fields, 'Spending permission').value).toContain('ALL your USDC, without limit');
  });

  it('an unknown function is decoded with the signature the business gave, names and nested types kept', () => {
    const fields = describeFields(
      challenge('contract-execution', {
        ...base,
        contractAddress: SPENDER,
        abiFunctionSignature: 'swap(address recipient,(uint256,bool) order,uint256[] path)',
        abiParameters: [TO, ['42', true], ['1', '2']],
        amount: '0.1',
      }),
    );
    expect(find(fields, 'Function').value).toBe('swap(address,(uint256,bool),uint256[])');
    expect(find(fields, 'recipient (address)').value).toBe(TO);
    expect(find(fields, 'order ((uint256,bool))').children?.map((c) => c.value)).toEqual(['42', 'true']);
    expect(find(fields, 'path (uint256[])').children).toHaveLength(2);
    expect(find(fields, 'Also sends').value).toBe('0.1 ETH');
  });

  it('parameters that do not fit the signature are shown raw under a warning', () => {
    const fields = describeFields(
      challenge('contract-execution', {
        ...base,
        contractAddress: SPENDER,
        abiFunctionSignature: 'transfer(address,uint256)',
        abiParameters: ['not an address', 'x'],
      }),
    );
    expect(warnings(fields)).toContain('Cannot encode the call');
    expect(find(fields, 'Parameters').value).toContain('not an address');
  });
});

describe('EVM unsigned transaction (built by Node 2, or sign/transaction)', () => {
  it('ERC-20 transfer built by the relay: token amount, token recipient, max fee, and the match with the request', () => {
    const tx = buildEvmTokenTransfer({ ...txBase, token: USDC_SEPOLIA, to: TO, amount: '2500000' });
    const fields = describeFields(
      challenge('transfer', { ...base, destinationAddress: TO, amounts: ['2.5'], tokenId: 'ETH-SEPOLIA:USDC' }),
      { unsignedTransaction: tx },
    );
    expect(find(fields, 'Checked').value).toBe('This transaction is exactly what was requested');
    expect(find(fields, 'Amount').value).toBe('2.5 USDC');
    expect(find(fields, 'To').value).toBe(TO);
    expect(find(fields, 'Network fee (max)').value).toBe('0.00195 ETH');
    expect(find(fields, 'Network fee (max)').hint).toBe('Gas limit 65000 × up to 30 gwei (tip 1.5 gwei)');
    expect(find(fields, 'Nonce').value).toBe('7');
    expect(warnings(fields)).toEqual([]);
  });

  it('a relay-built transaction to another recipient is flagged as not matching', () => {
    const tx = buildEvmNativeTransfer({ ...txBase, gasLimit: '21000', to: SPENDER, value: '250000000000000000' });
    const fields = describeFields(challenge('transfer', { ...base, destinationAddress: TO, amounts: ['0.25'] }), {
      unsignedTransaction: tx,
    });
    expect(fields[0]?.label).toBe('Does not match the request');
    expect(fields[0]?.hint).toContain(TO);
    expect(find(fields, 'To').value).toBe(SPENDER);
    const asked = find(fields, 'What Acme Shop asked for');
    expect(find(asked.children ?? [], 'To').value).toBe(TO);
  });

  it('sign/transaction with raw hex: chain name, value, decoded transferFrom', () => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transferFrom', args: [TO, SPENDER, 10n ** 6n] });
    const raw = serializeTransaction({
      type: 'eip1559',
      chainId: 11155111,
      nonce: 1,
      to: USDC_SEPOLIA,
      value: 0n,
      data,
      gas: 90000n,
      maxFeePerGas: 20_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
    });
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }));
    expect(find(fields, 'Function')).toMatchObject({ value: 'transferFrom(address,address,uint256)' });
    expect(find(fields, 'amount (uint256)').value).toBe('1 USDC');
    expect(find(fields, 'Network').value).toBe('Ethereum Sepolia');
    expect(find(fields, 'Network fee (max)').value).toBe('0.0018 ETH');
  });

  it('an unknown selector is shown as raw hex with a warning', () => {
    const data = encodeFunctionData({
      abi: parseAbi(['function doSomethingOdd(uint256 x, bytes payload)']),
      args: [5n, '0xdeadbeef'],
    });
    const raw = serializeTransaction({
      type: 'eip1559',
      chainId: 11155111,
      nonce: 1,
      to: SPENDER,
      value: 10n ** 15n,
      data,
      gas: 90000n,
      maxFeePerGas: 20_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
    });
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }));
    expect(warnings(fields)).toContain('Unknown function');
    expect(find(fields, 'Call data').value).toBe(data);
    expect(find(fields, 'Also sends').value).toBe('0.001 ETH');
  });

  it('a transaction for another chain than the wallet is flagged', () => {
    const raw = serializeTransaction({
      type: 'eip1559',
      chainId: 1,
      nonce: 0,
      to: TO,
      value: 1n,
      gas: 21000n,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
    });
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }));
    expect(find(fields, 'Network').value).toBe('Ethereum');
    expect(find(fields, 'Other chain').value).toContain('chain id 1.');
  });

  it('setApprovalForAll(operator, true) warns that the whole collection is handed over', () => {
    const data = encodeFunctionData({
      abi: parseAbi(['function setApprovalForAll(address operator, bool approved)']),
      args: [SPENDER, true],
    });
    const fields = describeFields(
      challenge('sign-transaction', {
        ...base,
        transaction: JSON.stringify({
          to: TO,
          data,
          nonce: 0,
          gas: 60000,
          maxFeePerGas: '2',
          maxPriorityFeePerGas: '1',
          chainId: 11155111,
        }),
      }),
    );
    expect(warnings(fields)).toContain('Collection permission');
    expect(allText(fields)).toContain(SPENDER);
  });
});
