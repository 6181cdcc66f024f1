import { Injectable } from '@nestjs/common';
import { addDays } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { credentialStanding } from '../credentials/credential-status';
import { CredentialsService } from '../credentials/credentials.service';
import { PeopleService } from '../people/people.service';
import { SupervisionService } from '../supervision/supervision.service';
import { AdminHomeViews } from './admin-home.views';
import { TrainerHomeViews } from './trainer-home.views';
import { SupervisorHomeViews } from './supervisor-home.views';

/** The home page's model. */
@Injectable()
export class HomeViews {
  constructor(
    private readonly people: PeopleService,
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
    private readonly supervision: SupervisionService,
    private readonly trainerHome: TrainerHomeViews,
    private readonly adminHome: AdminHomeViews,
    private readonly supervisorHome: SupervisorHomeViews,
  ) {}

  /** The signed-out front page: the program's name and the two ways on, nothing about anyone. */
  publicHome() {
    return { title: 'Welcome', orgName: this.config.orgName };
  }

  /** The line above the home page after arriving from somewhere that said "done" (accepting an invitation). */
  notice(key: string | undefined, user: AuthUser): string | undefined {
    if (key === 'welcome') return `Welcome, ${user.name}. Your password is set and you are signed in.`;
    return undefined;
  }

  /**
   * What needs attention now, among the credentials the person may see: the whole program for an
   * admin, their team for a supervisor, their own for everyone else.
   */
  async home(user: AuthUser) {
    const today = this.config.today();
    const isAdmin = hasRole(user, 'admin');
    const [attention, counts, supervision, supervisorHome] = await Promise.all([
      this.credentials.findExpiringBetween(addDays(today, -365), addDays(today, 90), user, today),
      isAdmin ? this.counts(user) : null,
      isAdmin ? this.supervision.overview() : null,
      // The supervisor's own part of the page (views/partials/home-supervisor.hbs); null for anyone else.
      this.supervisorHome.forUser(user),
    ]);
    const rows = attention.map((c) => ({
      personId: c.personId,
      person: c.person.displayName,
      code: c.credentialType.code,
      typeName: c.credentialType.name,
      expiresOn: c.expiresOn,
      ...credentialStanding(c, c.credentialType, today),
    }));
    const lapsed = rows.filter((r) => r.standing !== 'expiring' && r.standing !== 'current');
    // An admin's home leads with what needs attention; a trainer's with their cohorts (their own record comes last).
    // A trainer who also supervises keeps the supervisor's home, whose team comes first.
    const trainerOnly = !isAdmin && !hasRole(user, 'supervisor') && hasRole(user, 'trainer');
    const [adminHome, trainerHome] = await Promise.all([
      isAdmin ? this.adminHome.build(lapsed) : null,
      trainerOnly ? this.trainerHome.build(user) : null,
    ]);
    return {
      title: 'Home',
      adminHome,
      trainerHome,
      today,
      heading: isAdmin
        ? this.config.orgName
        : hasRole(user, 'supervisor')
          ? 'You and your team'
          : `Welcome, ${user.name}`,
      scope: isAdmin ? 'program' : hasRole(user, 'supervisor') ? 'team' : 'own',
      counts,
      supervisorHome,
      boardReportsDue: supervision?.reportsDue.length ?? 0,
      boardReportsOverdue: supervision?.reportsDue.filter((r) => r.overdue).length ?? 0,
      expiring: rows.filter((r) => r.standing === 'expiring'),
      lapsed,
    };
  }

  private async counts(user: AuthUser) {
    const [peers, trainers, supervisors] = await Promise.all(
      (['peer', 'trainer', 'supervisor'] as const).map((role) =>
        this.people.list({ role, status: 'active', pageSize: 1 }, user),
      ),
    );
    return { peers: peers.total, trainers: trainers.total, supervisors: supervisors.total };
  }
}
