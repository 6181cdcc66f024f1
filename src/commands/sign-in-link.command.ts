import { isEmail } from 'class-validator';
import { Command, CommandRunner, Option } from 'nest-commander';
import { DataSource } from 'typeorm';
import { systemActor } from '../common/auth/actor';
import { AppConfig } from '../config/app-config';
import { AccountLinksService, SIGN_IN_LINK_MINUTES } from '../modules/auth/account-links.service';
import { emailKey } from '../modules/people/email-key';
import { Person } from '../modules/people/person.entity';
import { linkBaseNote } from './link-base';

/**
 * Break-glass: when single sign-on is down (or PASSWORD_SIGNIN=off leaves no password form), whoever runs the server
 * can still let an admin in. The link is single-use, short-lived and audited, made and used.
 */
@Command({
  name: 'sign-in-link',
  description: `print a single-use link (${SIGN_IN_LINK_MINUTES} minutes) that signs an admin in without a password`,
})
export class SignInLinkCommand extends CommandRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly accountLinks: AccountLinksService,
  ) {
    super();
  }

  @Option({ flags: '--email <address>', description: "the admin's e-mail address", required: true })
  parseEmail(value: string): string {
    if (!isEmail(value)) throw new Error(`--email must be an e-mail address such as jo@example.org, not "${value}"`);
    return value;
  }

  async run(_params: string[], options: { email: string }): Promise<void> {
    await this.dataSource.runMigrations({ transaction: 'each' });
    const person = await this.dataSource.getRepository(Person).findOneBy({ emailKey: emailKey(options.email) });
    if (!person) throw new Error(`No one here has the e-mail address ${options.email}.`);
    const { link, expiresAt } = await this.accountLinks.createSignInLink(person.id, systemActor('command line'));
    console.log(linkBaseNote(this.config));
    console.log(`Sign in as ${person.name} once, by ${expiresAt.toISOString()}, at:\n${link}`);
  }
}
