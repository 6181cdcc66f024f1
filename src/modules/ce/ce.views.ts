import { Injectable } from '@nestjs/common';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { CE_CATEGORIES } from './ce-entry.entity';
import { CeService } from './ce.service';

export const NOTICES: Record<string, string> = {
  submitted: 'Entry submitted; it counts once an admin confirms it.',
  confirmed: 'Entry confirmed.',
  rejected: 'Entry rejected.',
};

/** The CE page's view model: a person's entries and readiness, with what the viewer may do there. */
@Injectable()
export class CeViews {
  constructor(private readonly ce: CeService) {}

  async page(id: string, user: AuthUser, extra: object) {
    const data = await this.ce.overview(id, user);
    return {
      title: `Continuing education: ${data.person.name}`,
      ...data,
      categories: CE_CATEGORIES,
      canReview: hasRole(user, 'admin') && user.id !== id,
      canSubmit: user.id === id || hasRole(user, 'admin'),
      values: {},
      ...extra,
    };
  }
}
