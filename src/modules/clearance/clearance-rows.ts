import type { IsoDate } from '../../common/dates';
import type { ClearanceFacts } from './clearance-facts';

/** The rows the clearance facts are loaded from, as the database gives them. */
export interface PersonRow {
  id: string;
  name: string;
  preferred_name: string | null;
  status: string;
}

export interface CredentialRow {
  id: string;
  person_id: string;
  credential_type_id: string;
  issued_on: IsoDate;
  expires_on: IsoDate | null;
  revoked_on: IsoDate | null;
  suspended_from: IsoDate | null;
  suspended_until: IsoDate | null;
  licence_number: string | null;
}

export interface SupervisionRow {
  id: string;
  peer_id: string;
  supervisor_name: string;
  starts_on: IsoDate;
  ends_on: IsoDate | null;
  qualified_from: IsoDate | null;
  qualified_until: IsoDate | null;
}

export interface StatusRow {
  person_id: string;
  status: 'active' | 'inactive';
  from_date: IsoDate;
  to_date: IsoDate | null;
}

/** A person's facts before their records are added; their status periods, when any, come with the records. */
export function emptyFacts(p: PersonRow): ClearanceFacts {
  return {
    personName: p.preferred_name ?? p.name,
    active: p.status === 'active',
    livedExperience: [],
    credentials: [],
    supervision: [],
  };
}
