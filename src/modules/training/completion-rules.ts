import type { AttendanceStatus } from './attendance.entity';

/**
 * Whether a person has completed a course, and if not exactly what is missing. Pure: the service
 * loads the facts for a whole cohort in a few queries and calls this once per person.
 *
 * The rules:
 * - Hours: a session attended in full counts its hours; a partial attendance counts the hours
 *   recorded (never more than the session's); absence and cancelled sessions count nothing. Hours
 *   are added in hundredths, so 0.1 + 0.2 is 0.3 exactly.
 * - Required modules: attended when the person was present for the whole of a session covering it.
 *   Being there for part of such a session does not cover the module, and the trainer is told so.
 * - Make-up: a session of another cohort of the same course counts when it covers a module the
 *   person has not yet covered in their own cohort; hours from a make-up that covers nothing new do
 *   not count, so nobody reaches the hours by sitting the same module twice.
 * - Exam (when the course has one): passed in any attempt. Attempts are limited per cohort.
 */
export interface CourseRules {
  requiredHours: number;
  modules: Array<{ id: string; title: string; required: boolean }>;
  exam: { passMark: number; maxAttempts: number } | null;
}

export interface SessionFact {
  id: string;
  cohortId: string;
  hours: number;
  moduleIds: string[];
  cancelled: boolean;
  /** Not held yet (today or later): its modules are still to come, not missed. */
  upcoming?: boolean;
}

export interface AttendanceFact {
  sessionId: string;
  status: AttendanceStatus;
  hours: number;
}

export interface AttemptFact {
  attempt: number;
  score: number;
  passed: boolean;
  /** The day it was sat; the rules do not read it. */
  takenOn?: string;
}

export type ExamState = 'none' | 'passed' | 'not_taken' | 'failed_can_retry' | 'failed_no_attempts_left';

export interface CompletionResult {
  met: boolean;
  hoursAttended: number;
  hoursRequired: number;
  modulesMissing: string[];
  modulesPartial: string[];
  /**
   * Every module of the course (required or not) not attended in full and not still to come in their own
   * cohort, in course order: what they missed, and what a make-up could cover.
   */
  modulesToMakeUp: Array<{ id: string; title: string }>;
  makeUpSessions: number;
  exam: ExamState;
  bestScore: number | null;
  attemptsUsed: number;
  attemptsLeft: number | null;
  /** Each unmet rule as a short phrase, in a fixed order: hours, modules, exam. */
  missing: string[];
  /** One line for the trainer: "Met: 40 of 40 h, …" or "32.5 of 40 h; module Ethics and Boundaries not attended; exam not passed". */
  summary: string;
}

const hundredths = (hours: number) => Math.round(hours * 100);
export const formatHours = (h100: number): string => String(h100 / 100);

export function evaluateCompletion(
  rules: CourseRules,
  ownCohortId: string,
  sessions: ReadonlyMap<string, SessionFact>,
  attendance: readonly AttendanceFact[],
  attempts: readonly AttemptFact[],
): CompletionResult {
  const own: Array<{ session: SessionFact; record: AttendanceFact }> = [];
  const makeUps: Array<{ session: SessionFact; record: AttendanceFact }> = [];
  for (const record of attendance) {
    const session = sessions.get(record.sessionId);
    if (!session || session.cancelled || record.status === 'absent') continue;
    (session.cohortId === ownCohortId ? own : makeUps).push({ session, record });
  }

  const covered = new Set<string>();
  const touched = new Set<string>();
  let total = 0;
  const count = ({ session, record }: { session: SessionFact; record: AttendanceFact }) => {
    total +=
      record.status === 'present'
        ? hundredths(session.hours)
        : Math.min(hundredths(record.hours), hundredths(session.hours));
    for (const m of session.moduleIds) (record.status === 'present' ? covered : touched).add(m);
  };
  own.forEach(count);
  let makeUpSessions = 0;
  for (const entry of makeUps) {
    if (entry.session.moduleIds.some((m) => !covered.has(m))) {
      count(entry);
      makeUpSessions++;
    }
  }

  const required = hundredths(rules.requiredHours);
  const requiredModules = rules.modules.filter((m) => m.required);
  const modulesMissing = requiredModules.filter((m) => !covered.has(m.id) && !touched.has(m.id)).map((m) => m.title);
  const modulesPartial = requiredModules.filter((m) => !covered.has(m.id) && touched.has(m.id)).map((m) => m.title);

  const ordered = [...attempts].sort((a, b) => a.attempt - b.attempt);
  const bestScore = ordered.length ? Math.max(...ordered.map((a) => a.score)) : null;
  let exam: ExamState = 'none';
  let attemptsLeft: number | null = null;
  if (rules.exam) {
    attemptsLeft = Math.max(0, rules.exam.maxAttempts - ordered.length);
    if (ordered.some((a) => a.passed)) exam = 'passed';
    else if (ordered.length === 0) exam = 'not_taken';
    else exam = attemptsLeft > 0 ? 'failed_can_retry' : 'failed_no_attempts_left';
  }

  const stillToCome = new Set<string>();
  for (const session of sessions.values())
    if (session.cohortId === ownCohortId && !session.cancelled && session.upcoming)
      for (const m of session.moduleIds) stillToCome.add(m);
  const modulesToMakeUp = rules.modules
    .filter((m) => !covered.has(m.id) && !stillToCome.has(m.id))
    .map(({ id, title }) => ({ id, title }));
  // The hours say which modules were missed; required ones have a phrase of their own below.
  const missedOptional = modulesToMakeUp.filter((m) => !requiredModules.some((r) => r.id === m.id));
  const missing: string[] = [];
  if (total < required)
    missing.push(
      `${formatHours(total)} of ${formatHours(required)} h` +
        (missedOptional.length ? ` (not attended in full: ${missedOptional.map((m) => m.title).join(', ')})` : ''),
    );
  for (const title of modulesMissing) missing.push(`module ${title} not attended`);
  for (const title of modulesPartial) missing.push(`module ${title} attended only in part`);
  if (exam === 'not_taken') missing.push('exam not taken');
  if (exam === 'failed_can_retry')
    missing.push(
      `exam not passed (best ${bestScore}%, pass mark ${rules.exam!.passMark}%; ${plural(attemptsLeft!, 'attempt')} left)`,
    );
  if (exam === 'failed_no_attempts_left') missing.push(`exam not passed and no attempts left (best ${bestScore}%)`);

  const met = missing.length === 0;
  const parts = [`${formatHours(total)} of ${formatHours(required)} h`];
  if (requiredModules.length) parts.push('all required modules');
  if (exam === 'passed') parts.push(`exam passed (${bestScore}%)`);
  if (makeUpSessions) parts.push(`${plural(makeUpSessions, 'make-up session')}`);
  return {
    met,
    hoursAttended: total / 100,
    hoursRequired: required / 100,
    modulesMissing,
    modulesPartial,
    modulesToMakeUp,
    makeUpSessions,
    exam,
    bestScore,
    attemptsUsed: ordered.length,
    attemptsLeft,
    missing,
    summary: met ? `Met: ${parts.join(', ')}` : missing.join('; '),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
