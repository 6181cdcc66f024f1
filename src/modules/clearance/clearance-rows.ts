import type { IsoDate } from '../../common/dates';

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
