import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { addDays, dateInZone } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import { credentialStanding } from '../credentials/credential-status';
import { CredentialsService } from '../credentials/credentials.service';
import { PeopleService } from '../people/people.service';

@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(
    private readonly people: PeopleService,
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
  ) {}

  /** The program at a glance: who is on the books, and which credentials need attention now. */
  @Get()
  @Render('home')
  async home() {
    const today = dateInZone(new Date(), this.config.timeZone);
    const [peers, trainers, supervisors, attention] = await Promise.all([
      this.people.list({ role: 'peer', status: 'active', pageSize: 1 }),
      this.people.list({ role: 'trainer', status: 'active', pageSize: 1 }),
      this.people.list({ role: 'supervisor', status: 'active', pageSize: 1 }),
      this.credentials.findExpiringBetween(addDays(today, -365), addDays(today, 90)),
    ]);
    const rows = attention.map((c) => ({
      personId: c.personId,
      person: c.person.displayName,
      code: c.credentialType.code,
      typeName: c.credentialType.name,
      expiresOn: c.expiresOn,
      ...credentialStanding(c, c.credentialType, today),
    }));
    return {
      title: 'Home',
      today,
      counts: { peers: peers.total, trainers: trainers.total, supervisors: supervisors.total },
      expiring: rows.filter((r) => r.standing === 'expiring'),
      lapsed: rows.filter((r) => r.standing !== 'expiring' && r.standing !== 'current'),
    };
  }
}
