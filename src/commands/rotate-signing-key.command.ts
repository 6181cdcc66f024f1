import { Command, CommandRunner } from 'nest-commander';
import { rotateSigningKey } from '../modules/certificates/rotate-signing-key';
import { SigningKeys } from '../modules/certificates/signing-key';

@Command({
  name: 'rotate-signing-key',
  description:
    'make a new RS256 key sign Open Badges from now on; the old one stays published so what it signed verifies',
})
export class RotateSigningKeyCommand extends CommandRunner {
  constructor(private readonly keys: SigningKeys) {
    super();
  }

  async run(): Promise<void> {
    await rotateSigningKey(this.keys, console.log);
  }
}
