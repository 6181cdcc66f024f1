import type { SigningKeys } from './signing-key';

/**
 * The `rotate-signing-key` command: a new RS256 key signs from now on (running apps pick it up on their
 * next signature); the previous key stays published at its kid, so credentials it signed still verify.
 */
export async function rotateSigningKey(keys: SigningKeys, log: (line: string) => void): Promise<void> {
  const { previous, current } = await keys.rotate();
  log(`New signing key (RS256), used from now on: ${current}`);
  log(`The previous key is retired and stays published, so what it signed still verifies: ${previous}`);
}
