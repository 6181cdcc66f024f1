import type { Role } from '../../common/auth/roles';
import type { Person, PersonStatus } from './person.entity';

/** What the API says about a person. */
export interface PersonView {
  id: string;
  name: string;
  preferredName: string | null;
  displayName: string;
  email: string;
  phone: string | null;
  /** The program's own id, e.g. the HR number. */
  externalId: string | null;
  status: PersonStatus;
  roles: Role[];
  createdAt: string;
  updatedAt: string;
}

export function personView(p: Person): PersonView {
  return {
    id: p.id,
    name: p.name,
    preferredName: p.preferredName,
    displayName: p.displayName,
    email: p.email,
    phone: p.phone,
    externalId: p.externalId,
    status: p.status,
    roles: (p.roles ?? []).map((r) => r.role),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
