import { describe, expect, it } from 'vitest';
import { weakPinMessage, wrongPinMessage } from '../../../../extension/gateway/pin-hints.js';
import { isAcceptablePin } from '../../../../protocol/pin/pin-rules.js';

describe('weak-PIN messages in the Gateway', () => {
  it('accepts exactly what protocol/pin accepts', () => {
    for (const pin of ['402917', '123456', '111111', '121212', '123321', '147258', '250690', '12345', '4029a7']) {
      expect(weakPinMessage(pin) === undefined).toBe(isAcceptablePin(pin));
    }
  });

  it('says why and what to do for each refusal reason', () => {
    expect(weakPinMessage('111111')).toMatch(/same.*Choose another PIN/);
    expect(weakPinMessage('123456')).toMatch(/Runs like.*Choose another PIN/);
    expect(weakPinMessage('121212')).toMatch(/Repeated groups.*Choose another PIN/);
    expect(weakPinMessage('123321')).toMatch(/mirrors.*Choose another PIN/);
    expect(weakPinMessage('147258')).toMatch(/keypad.*Choose another PIN/);
    expect(weakPinMessage('314159')).toMatch(/most-used.*Choose another PIN/);
    expect(weakPinMessage('250690')).toMatch(/date.*Choose another PIN/);
    expect(weakPinMessage('12345')).toBe('Enter all 6 digits.');
  });

  it('gives examples in the sequence hint that the rules really refuse', () => {
    expect(isAcceptablePin('123456')).toBe(false);
    expect(isAcceptablePin('654321')).toBe(false);
  });

  it('after a wrong PIN, says how many tries are left and warns before the last one', () => {
    expect(wrongPinMessage(4)).toBe('Wrong PIN. 4 tries left before your wallet locks.');
    expect(wrongPinMessage(1)).toMatch(/1 try left: after one more wrong PIN your wallet locks/);
    expect(wrongPinMessage(undefined)).toBe('Wrong PIN. Try again.');
  });
});
