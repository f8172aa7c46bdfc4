/** Assertions on the typed protocol errors (who is blamed, which field). */
import { expect } from 'vitest';
import {
  InvalidArgumentError,
  InvalidMessageError,
  ProtocolAbortError,
  ProtocolStateError,
} from '../../../../protocol/errors.js';

export function expectInvalidMessage(fn: () => unknown, field: string, from: 'client' | 'server'): InvalidMessageError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InvalidMessageError);
  const err = caught as InvalidMessageError;
  expect(err.field).toBe(field);
  expect(err.from).toBe(from);
  return err;
}

export function expectAbort(fn: () => unknown, reason: string, culprit: 'client' | 'server'): ProtocolAbortError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ProtocolAbortError);
  const err = caught as ProtocolAbortError;
  expect(err.reason).toBe(reason);
  expect(err.culprit).toBe(culprit);
  return err;
}

export function expectStateError(fn: () => unknown): ProtocolStateError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ProtocolStateError);
  return caught as ProtocolStateError;
}

export function expectInvalidArgument(fn: () => unknown, argument: string): InvalidArgumentError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  const err = caught as InvalidArgumentError;
  expect(err.argument).toBe(argument);
  return err;
}
