import { hash, verify } from '@node-rs/argon2';
import { ValidateBy } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/** argon2id with the library's defaults (OWASP's recommended minimums). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Compared against when no account matches, so a wrong e-mail takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash('no account has this password');
  return dummyHash;
}

/** Length is what makes a password strong (NIST SP 800-63B): at least 12 characters, any characters. */
export const IsAcceptablePassword = () =>
  ValidateBy({
    name: 'isAcceptablePassword',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        value.length >= PASSWORD_MIN_LENGTH &&
        value.length <= PASSWORD_MAX_LENGTH &&
        value.trim().length > 0,
      defaultMessage: () =>
        `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters; a few unrelated words make a good one`,
    },
  });
