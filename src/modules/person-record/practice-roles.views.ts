import type { FormErrors } from '../../common/http/form-post';
import type { PersonAssignments } from '../practice-assignments/practice-assignments.service';

/** The "Practice roles they work in" section, on the person page and on its own page after a refusal. */
export function practiceRolesView(
  list: PersonAssignments,
  roleOptions: Array<{ code: string; name: string }>,
  today: string,
  extra: { errors?: FormErrors | null; values?: Record<string, unknown>; endErrors?: FormErrors | null } = {},
) {
  const current = list.assignments.filter((a) => a.current);
  return {
    ...list,
    current,
    // Ended, or planned to start later: kept and shown, never deleted.
    others: list.assignments.filter((a) => !a.current),
    roleOptions,
    today,
    errors: extra.errors ?? null,
    endErrors: extra.endErrors ?? null,
    values: { from: today, ...(extra.values ?? {}) },
  };
}
