import { Injectable } from '@nestjs/common';
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
  ) {}

  async page(extra: object) {
    const [overview, supervisors, peers] = await Promise.all([
      this.supervision.overview(),
      this.people.findByRole('supervisor'),
      this.people.findByRole('peer'),
    ]);
    return { title: 'Supervision', ...overview, supervisors, peers, ...extra };
  }
}
