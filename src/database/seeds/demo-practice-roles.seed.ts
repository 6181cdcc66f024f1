import type { EntityManager } from 'typeorm';
import { addDays, type IsoDate } from '../../common/dates';
import { PracticeRole } from '../../modules/catalog/practice-role.entity';
import { PracticeRoleAssignment } from '../../modules/practice-assignments/practice-role-assignment.entity';

/** A role someone works in: from N days ago (negative: starts later), until N days ago when it ended. */
type Works = [code: string, fromDaysAgo: number, endedDaysAgo?: number];

/**
 * What each demo peer works in, so the demo board shows real problems rather than a sea of red: nearly everyone
 * is a Peer Support Specialist, a few also instruct Narcan classes, serve in the jail, or run doula and
 * facilitator work. Wyatt's jail work ended when his corrections training ran out; Eli and Owen start as
 * peers later, once they finish (the board shows them nothing yet). Trainees the training seed adds have no
 * role recorded, as a new starter would.
 */
const WORKS_IN: Record<string, Works[]> = {
  'Corey Whitehorse': [
    ['PSS', 700],
    ['NARCAN-INSTRUCTOR', 280],
  ],
  'Samuel Kicking Woman': [
    ['PSS', 600],
    ['TRAUMA-FACILITATOR', 500],
  ],
  'Renée Two Feathers': [
    ['PSS', 540],
    ['IND-RECOVERY-DOULA', 400],
    ['MIS-FACILITATOR', 360],
  ],
  'Dakota Running Crane': [
    ['PSS', 520],
    ['JAIL-SERVICES', 300],
  ],
  'Tanya Old Elk': [
    ['PSS', 500],
    ['RECOVERY-DOULA', 220],
  ],
  'Marcus Littlebear': [
    ['PSS', 480],
    ['FIS-FACILITATOR', 450],
    ['JAIL-SERVICES', 110],
  ],
  'Shelby Lindqvist': [['PSS', 460]],
  'Jesse Redcloud': [['PSS', 900]],
  'Aaliyah Grant': [
    ['PSS', 440],
    ['RECOVERY-DOULA', 280],
  ],
  'Wyatt Ferguson': [
    ['PSS', 420],
    ['JAIL-SERVICES', 400, 40],
  ],
  'Nizhoni Begay': [
    ['PSS', 400],
    ['IND-RECOVERY-DOULA', 190],
  ],
  'Brandon Tallbull': [
    ['PSS', 380],
    ['NARCAN-INSTRUCTOR', 300],
  ],
  'Kateri Wolf Child': [
    ['PSS', 40],
    ['MIS-FACILITATOR', 40],
  ],
  'Luis Ortega': [['PSS', 28]],
  'Hannah Schrøder': [['PSS', 18]],
  'Darnell Weasel Head': [['PSS', 690]],
  'Crystal Bird Rattler': [['PSS', 30]],
  'Trevor McAllister': [
    ['PSS', 360],
    ['JAIL-SERVICES', 200],
    ['TRAUMA-FACILITATOR', 45],
  ],
  'Angela Yellowrobe': [
    ['PSS', 340],
    ['FIS-FACILITATOR', 35],
    ['MIS-FACILITATOR', 35],
  ],
  'Mateo Álvarez': [['PSS', 320]],
  'Rosalind Spotted Bear': [
    ['PSS', 300],
    ['IND-RECOVERY-DOULA', 75],
  ],
  'Kyle Nordby': [['PSS', 280]],
  'Savannah Pretty On Top': [['PSS', 260]],
  'Eli Hawkins': [['PSS', -14]],
  'Jade Morningstar': [
    ['PSS', 240],
    ['JAIL-SERVICES', 190],
  ],
  'Owen Sundquist': [['PSS', -60]],
  'Faith Many Hides': [
    ['PSS', 220],
    ['NARCAN-INSTRUCTOR', 390],
  ],
};

/** Records the demo peers' practice roles; a role an admin removed before the demo was loaded is skipped. */
export async function seedDemoPracticeRoles(
  tx: EntityManager,
  today: IsoDate,
  idOf: (name: string) => string | undefined,
  assignedById: string,
): Promise<number> {
  const roles = new Map((await tx.getRepository(PracticeRole).find()).map((r) => [r.code, r.id]));
  const rows = Object.entries(WORKS_IN).flatMap(([name, works]) =>
    works.flatMap(([code, fromDaysAgo, endedDaysAgo]) => {
      const personId = idOf(name);
      const practiceRoleId = roles.get(code);
      if (!personId || !practiceRoleId) return [];
      return [
        {
          personId,
          practiceRoleId,
          startsOn: addDays(today, -fromDaysAgo),
          endsOn: endedDaysAgo === undefined ? null : addDays(today, -endedDaysAgo),
          assignedById,
          endedById: endedDaysAgo === undefined ? null : assignedById,
        },
      ];
    }),
  );
  if (rows.length) await tx.getRepository(PracticeRoleAssignment).insert(rows);
  return rows.length;
}
