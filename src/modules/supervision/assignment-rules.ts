import { isIsoDate, type IsoDate } from '../../common/dates';
import type { Role } from '../../common/auth/roles';

export interface AssignmentProblem {
  field: 'peerId' | 'supervisorId' | 'startsOn' | 'to';
  message: string;
  sentence: string;
}

/** A person as the rules need them: their display name and roles; null when not in the program. */
export interface AssignmentParty {
  id: string;
  name: string;
  roles: readonly Role[];
}

/**
 * Who may be assigned to supervise whom, and for what dates, beyond the DTO's field checks: the one
 * place these rules live, for the single-record form and API and for a spreadsheet import alike. The
 * history rules (overlaps, a later assignment) need the stored assignments and stay with their callers.
 */
export function assignmentProblem(assignment: {
  peer: AssignmentParty | null;
  supervisor: AssignmentParty | null;
  startsOn: IsoDate;
  to?: IsoDate | null;
}): AssignmentProblem | null {
  const { peer, supervisor, startsOn, to } = assignment;
  if (peer && supervisor && peer.id === supervisor.id)
    return {
      field: 'supervisorId',
      message: 'cannot be the peer themself',
      sentence: 'A peer cannot supervise themself.',
    };
  const parties: Array<[AssignmentParty | null, Role, 'peerId' | 'supervisorId']> = [
    [peer, 'peer', 'peerId'],
    [supervisor, 'supervisor', 'supervisorId'],
  ];
  for (const [party, role, field] of parties) {
    if (!party)
      return { field, message: 'is not a person in the program', sentence: 'That person is not in the program.' };
    if (!party.roles.includes(role))
      return {
        field,
        message: `must hold the ${role} role`,
        sentence: `${party.name} does not hold the ${role} role.`,
      };
  }
  if (!isIsoDate(startsOn))
    return { field: 'startsOn', message: 'must be a real date', sentence: 'The start date is not a real date.' };
  if (to && to < startsOn)
    return { field: 'to', message: 'is before the first day', sentence: 'The last day is before supervision starts.' };
  return null;
}
