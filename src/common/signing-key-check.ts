import type { KeyObject } from 'node:crypto';

/** Open Badges 3.0 asks for RS256 "as a minimum"; RFC 7518 for RSA keys of 2048 bits or more. */
export const RSA_MODULUS_BITS = 2048;

/** Why a key file cannot sign credentials, or null when it can (an RSA private key of 2048 bits or more). */
export function signingKeyProblem(key: KeyObject): string | null {
  if (key.type !== 'private') return 'is not a private key';
  if (key.asymmetricKeyType !== 'rsa')
    return `holds a ${key.asymmetricKeyType} key; Open Badges credentials are signed RS256, with an RSA key`;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < RSA_MODULUS_BITS) return `holds a ${bits}-bit RSA key; RS256 needs ${RSA_MODULUS_BITS} bits or more`;
  return null;
}
