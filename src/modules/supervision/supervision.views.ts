import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/auth-user';
import { AppConfig } from '../../config/app-config';
import { PeopleService } from '../people/people.service';
import { SupervisionService } from './supervision.service';

export const NOTICES: Record<string, string> = {
  qualified: 'Qualification recorded.',
  assigned: 'Supervisor assigned.',
  ended: 'Supervision ended.',
  reported: 'Marked as reported to the Board.',
};

/** The supervision page's view model: the overview, with the supervisors and peers its forms choose from. */
@Injectable()
export class SupervisionViews {
  constructor(
    private readonly supervision: SupervisionService,
    private readonly people: PeopleService,
    private readonly config: AppConfig,
  ) {}

  async page(extra: object) {
    const [overview, supervisors, peers] = await Promise.all([
      this.supervision.overview(),
      this.people.findByRole('supervisor'),
      this.people.findByRole('peer'),
    ]);
    return { title: 'Supervision', ...overview, supervisors, peers, ...extra };
  }

  /** A supervisor's own list: their current supervisees, overdue ones first. */
  async mine(supervisor: AuthUser, extra: object) {
    const supervisees = await this.supervision.superviseesOf(supervisor);
    return {
      title: 'My supervisees',
      supervisees,
      overdue: supervisees.filter((s) => s.overdue).length,
      gapDays: this.config.supervisionGapDays,
      ...extra,
    };
  }

  /**
   * The log form, its picker listing only the supervisor's current supervisees. A preselected id that is not one
   * of them is simply not selected, so the form says nothing about whose id it was.
   */
  async logForm(supervisor: AuthUser, values: Record<string, unknown>, extra: object = {}) {
    const supervisees = await this.supervision.superviseesOf(supervisor);
    const today = this.config.today();
    return {
      title: 'Log a supervision session',
      // By name, as a picker reads; the list page puts the overdue first instead.
      supervisees: supervisees.map((s) => ({ id: s.id, name: s.name })).sort((x, y) => x.name.localeCompare(y.name)),
      today,
      values: { heldOn: today, ...values },
      ...extra,
    };
  }
}
