import { isEmail } from 'class-validator';
import { Command, CommandRunner, Option } from 'nest-commander';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { systemActor } from '../common/auth/actor';
import { AccountLinksService } from '../modules/auth/account-links.service';
import { PeopleService } from '../modules/people/people.service';
import { Person } from '../modules/people/person.entity';
import { PersonRole } from '../modules/people/person-role.entity';
import { linkBaseNote } from './link-base';
import { emailKey } from '../modules/people/email-key';

interface CreateAdminOptions {
  email: string;
  name: string;
}

@Command({
  name: 'create-admin',
  description: 'create the first admin (or make someone admin); prints a one-time link to set the password',
})
export class CreateAdminCommand extends CommandRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly people: PeopleService,
    private readonly accountLinks: AccountLinksService,
  ) {
    super();
  }

  @Option({
    flags: '--email <address>',
    description: "the admin's e-mail address, e.g. jo@example.org",
    required: true,
  })
  parseEmail(value: string): string {
    if (!isEmail(value)) throw new Error(`--email must be an e-mail address such as jo@example.org, not "${value}"`);
    return value;
  }

  @Option({ flags: '--name <full name>', description: 'their full name, e.g. "Jo Ashby"', required: true })
  parseName(value: string): string {
    if (!value.trim()) throw new Error('--name must not be blank, e.g. --name "Jo Ashby"');
    return value.trim();
  }

  async run(_params: string[], options: CreateAdminOptions): Promise<void> {
    await this.dataSource.runMigrations({ transaction: 'each' });
    const actor = systemActor('command line');
    const existing = await this.dataSource
      .getRepository(Person)
      .createQueryBuilder('p')
      .where('p.email_key = :key', { key: emailKey(options.email) })
      .getOne();
    let personId: string;
    if (existing) {
      const roles = (await this.dataSource.getRepository(PersonRole).findBy({ personId: existing.id })).map(
        (r) => r.role,
      );
      await this.people.update(
        existing.id,
        { roles: [...new Set([...roles, 'admin' as const])], status: 'active' },
        actor,
      );
      personId = existing.id;
      console.log(`${existing.name} <${existing.email}> is now an admin.`);
    } else {
      personId = (await this.people.create({ name: options.name, email: options.email, roles: ['admin'] }, actor)).id;
      console.log(`Created admin ${options.name} <${options.email}>.`);
    }
    if (!this.config.signIn.passwords) {
      // No password to set: the admin signs in with SSO, or once now through a break-glass link.
      const { link, expiresAt } = await this.accountLinks.createSignInLink(personId, actor);
      console.log(linkBaseNote(this.config));
      console.log(`Password sign-in is off. Sign in once, by ${expiresAt.toISOString()}, at:\n${link}`);
      return;
    }
    const { link, expiresAt } = await this.accountLinks.invite(personId, actor);
    console.log(linkBaseNote(this.config));
    console.log(`Set the password within 7 days (by ${expiresAt.toISOString()}), once, at:\n${link}`);
  }
}
