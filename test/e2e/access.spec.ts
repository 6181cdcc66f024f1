import { randomUUID } from 'node:crypto';
import { addDays } from '../../src/common/dates';
import { systemActor } from '../../src/common/auth/actor';
import { ApiTokensService } from '../../src/modules/auth/api-tokens.service';
import { FormResultsService } from '../../src/modules/auth/form-results.service';
import { CSRF_COOKIE, csrfTokenFor, SESSION_COOKIE } from '../../src/modules/auth/csrf';
import { randomToken } from '../../src/modules/auth/secrets';
import { SessionsService } from '../../src/modules/auth/sessions.service';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { SigningKeys } from '../../src/modules/certificates/signing-key';
import { JobQueue } from '../../src/modules/jobs/jobs';
import type { Person } from '../../src/modules/people/person.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { startTestProvider, type TestProvider } from '../helpers/oidc';
import { makePdf } from '../factories/evidence-files';

/**
 * Every registered route, and what each kind of visitor gets from it. A route added without an
 * entry here fails this test, so access is decided deliberately for each one.
 *
 * "subject" is a peer supervised by "supervisor"; "other" people have no tie to the subject.
 * Requests ask for JSON, so a refusal shows as its status (401 signed out, 403 wrong role, 404
 * out of scope) rather than as a redirect to the sign-in page. State-changing requests carry a
 * valid CSRF token and an empty or harmless body: a 400 means "allowed in, then refused the input".
 */
const PERSONAS = [
  'anonymous',
  'peer',
  'otherPeer',
  'trainer',
  'otherTrainer',
  'supervisor',
  'otherSupervisor',
  'admin',
] as const;
type Persona = (typeof PERSONAS)[number];
type Expect = Record<Persona, number>;

interface Ids {
  subject: string;
  credential: string;
  assignment: string;
  type: string;
  role: string;
  token: string;
  course: string;
  cohort: string;
  /** A second cohort, for completing (which ends all change to a cohort). */
  completable: string;
  session: string;
  cancelledSession: string;
  withdrawnEnrollment: string;
  certificate: string;
  certificateCode: string;
  certificateJob: string;
  signingKey: string;
  /** A certificate the subject got from completing "trainer"'s cohort. */
  cohortCertificate: string;
  /** Two CE entries the subject submitted, for reviewing over the API and through the page. */
  ceEntry: string;
  cePageEntry: string;
  /** A refused roster import on "trainer"'s cohort, whose rejected lines can be downloaded. */
  rosterRejection: string;
  /** What the roster page form answered "trainer", and the date-of-service form "supervisor" (theirs only). */
  rosterResult: string;
  serviceCheckResult: string;
  /** A CE submission of the subject's waiting for review, and one they withdrew. */
  submission: string;
  withdrawnSubmission: string;
  /** A practice role the subject works in, open-ended from Jan 1. */
  practiceAssignment: string;
}

const all = (status: number): Expect => Object.fromEntries(PERSONAS.map((p) => [p, status])) as Expect;
const signedIn = (status: number): Expect => ({ ...all(status), anonymous: 401 });
const only = (allowed: Persona[], status: number, denied = 403): Expect => ({
  ...signedIn(denied),
  ...Object.fromEntries(allowed.map((p) => [p, status])),
});
const admin = (status: number) => only(['admin'], status);
const supervisors = (status: number) => only(['supervisor', 'otherSupervisor', 'admin'], status);
const trainers = (status: number) => only(['trainer', 'otherTrainer', 'admin'], status);
/** A cohort "trainer" runs: them and admins; 404 for another trainer, so cohort ids cannot be probed. */
const cohortRun = (status: number, otherTrainer = 404): Expect => ({
  ...only(['trainer', 'admin'], status),
  otherTrainer,
});
/**
 * The subject's own record: themselves, their supervisor and admins; 404 for everyone else. That
 * includes "trainer", who has the subject on a roster: a roster is training scope (the cohort's own
 * pages), never a way into the person's record, clearance, CE, supervision or other certificates.
 */
const subjectRecord: Expect = {
  anonymous: 401,
  peer: 200,
  otherPeer: 404,
  trainer: 404,
  otherTrainer: 404,
  supervisor: 200,
  otherSupervisor: 404,
  admin: 200,
};
/** What the subject's cohort awarded: their record scope, and the trainer of that cohort. */
const trainingRecord: Expect = { ...subjectRecord, trainer: 200 };
/** What only the subject themselves and admins get (their signed Open Badge); 404 for everyone else signed in. */
const subjectOnly: Expect = { ...signedIn(404), peer: 200, admin: 200 };

/** Days used by the assignment route's requests so far (each request assigns a day of its own). */
let assignedDays = 0;

const ROUTES: Record<string, { url: (ids: Ids) => string; body?: object | (() => object); expect: Expect }> = {
  'GET /health': { url: () => '/health', expect: all(200) },
  'GET /login': { url: () => '/login', expect: { ...all(303), anonymous: 200 } },
  // A different address each time, so the per-account sign-in throttle stays out of the way.
  'POST /login': {
    url: () => '/login',
    body: () => ({ email: `nobody.${randomUUID()}@example.org`, password: 'wrong' }),
    expect: all(401),
  },
  'POST /logout': { url: () => '/logout', expect: signedIn(303) },
  'GET /invitation/:token': { url: () => `/invitation/${randomToken()}`, expect: all(404) },
  'POST /invitation/:token': {
    url: () => `/invitation/${randomToken()}`,
    body: { password: 'a long enough password', confirm: 'a long enough password' },
    expect: all(404),
  },
  'GET /forgot-password': { url: () => '/forgot-password', expect: all(200) },
  'POST /forgot-password': { url: () => '/forgot-password', body: {}, expect: all(400) },
  'GET /reset-password/:token': { url: () => `/reset-password/${randomToken()}`, expect: all(404) },
  'POST /reset-password/:token': {
    url: () => `/reset-password/${randomToken()}`,
    body: { password: 'a long enough password', confirm: 'a long enough password' },
    expect: all(404),
  },
  'GET /account': { url: () => '/account', expect: signedIn(200) },
  'POST /account/password': { url: () => '/account/password', body: {}, expect: signedIn(400) },
  'POST /account/printed-name': { url: () => '/account/printed-name', body: {}, expect: signedIn(303) },
  'POST /account/sessions/sign-out-others': { url: () => '/account/sessions/sign-out-others', expect: signedIn(303) },
  'GET /api/v1/me': { url: () => '/api/v1/me', expect: signedIn(200) },

  // Single sign-on (issue 22), checked with SSO configured against the test provider: the start sends everyone on (to
  // the provider, or signed in, onward), a callback without the browser's flow cookie is refused, and a CLI sign-in
  // link that does not exist is not found.
  'GET /login/oidc': { url: () => '/login/oidc', expect: all(303) },
  'GET /login/oidc/callback': { url: () => '/login/oidc/callback?code=x&state=y', expect: all(400) },
  'GET /sign-in-link/:token': { url: () => `/sign-in-link/${randomToken()}`, expect: all(404) },
  'POST /sign-in-link/:token': { url: () => `/sign-in-link/${randomToken()}`, expect: all(404) },
  'POST /people/:id/sso/unlink': { url: (i) => `/people/${i.subject}/sso/unlink`, expect: admin(303) },

  // Public on purpose: signed out, it is the small front page (verify a certificate, sign in) with no one's data.
  'GET /': { url: () => '/', expect: all(200) },
  'GET /my/credentials': { url: () => '/my/credentials', expect: signedIn(302) },

  // Not trainers: whom a trainer works with is on their cohorts' rosters, not in a list of records.
  'GET /people': { url: () => '/people', expect: supervisors(200) },
  'GET /people/new': { url: () => '/people/new', expect: admin(200) },
  'POST /people': { url: () => '/people', body: {}, expect: admin(400) },
  'GET /people/:id': { url: (i) => `/people/${i.subject}`, expect: subjectRecord },
  'GET /people/:id/edit': { url: (i) => `/people/${i.subject}/edit`, expect: admin(200) },
  'POST /people/:id': { url: (i) => `/people/${i.subject}`, body: {}, expect: admin(400) },
  'POST /people/:id/lived-experience': {
    url: (i) => `/people/${i.subject}/lived-experience`,
    body: {},
    expect: admin(400),
  },
  'GET /people/:id/access': { url: (i) => `/people/${i.subject}/access`, expect: admin(200) },
  'POST /people/:id/invitation': { url: (i) => `/people/${i.subject}/invitation`, expect: admin(200) },
  'POST /people/:id/tokens': { url: (i) => `/people/${i.subject}/tokens`, body: {}, expect: admin(400) },
  'POST /people/:id/tokens/:tokenId/revoke': {
    url: (i) => `/people/${i.subject}/tokens/${i.token}/revoke`,
    expect: admin(303),
  },

  'GET /api/v1/people': { url: () => '/api/v1/people', expect: supervisors(200) },
  'POST /api/v1/people': { url: () => '/api/v1/people', body: {}, expect: admin(400) },
  'GET /api/v1/people/:id': { url: (i) => `/api/v1/people/${i.subject}`, expect: subjectRecord },
  'PATCH /api/v1/people/:id': { url: (i) => `/api/v1/people/${i.subject}`, body: {}, expect: admin(200) },
  'POST /api/v1/people/:id/lived-experience': {
    url: (i) => `/api/v1/people/${i.subject}/lived-experience`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/people/:id/invitation': { url: (i) => `/api/v1/people/${i.subject}/invitation`, expect: admin(201) },
  'GET /api/v1/people/:id/tokens': { url: (i) => `/api/v1/people/${i.subject}/tokens`, expect: admin(200) },
  'POST /api/v1/people/:id/tokens': { url: (i) => `/api/v1/people/${i.subject}/tokens`, body: {}, expect: admin(400) },
  'DELETE /api/v1/people/:id/tokens/:tokenId': {
    url: (i) => `/api/v1/people/${i.subject}/tokens/${i.token}`,
    expect: admin(204),
  },

  'GET /catalog': { url: () => '/catalog', expect: signedIn(302) },
  'GET /catalog/credential-types': { url: () => '/catalog/credential-types', expect: signedIn(200) },
  'GET /catalog/credential-types/new': { url: () => '/catalog/credential-types/new', expect: admin(200) },
  'POST /catalog/credential-types': { url: () => '/catalog/credential-types', body: {}, expect: admin(400) },
  'GET /catalog/credential-types/:id': { url: (i) => `/catalog/credential-types/${i.type}`, expect: signedIn(200) },
  'GET /catalog/credential-types/:id/edit': {
    url: (i) => `/catalog/credential-types/${i.type}/edit`,
    expect: admin(200),
  },
  'POST /catalog/credential-types/:id': {
    url: (i) => `/catalog/credential-types/${i.type}`,
    body: {},
    expect: admin(400),
  },
  'GET /catalog/practice-roles': { url: () => '/catalog/practice-roles', expect: signedIn(200) },
  'GET /catalog/practice-roles/:id': { url: (i) => `/catalog/practice-roles/${i.role}`, expect: signedIn(200) },
  'GET /api/v1/credential-types': { url: () => '/api/v1/credential-types', expect: signedIn(200) },
  'GET /api/v1/credential-types/:id': { url: (i) => `/api/v1/credential-types/${i.type}`, expect: signedIn(200) },
  'POST /api/v1/credential-types': { url: () => '/api/v1/credential-types', body: {}, expect: admin(400) },
  'PATCH /api/v1/credential-types/:id': {
    url: (i) => `/api/v1/credential-types/${i.type}`,
    body: {},
    expect: admin(200),
  },
  // Practice-role assignments and the catalogue's role order (issue 19, the board shows what matters). A peer
  // sees their own and may not change them (403); their supervisor and admins may; everyone else gets 404.
  'GET /api/v1/people/:id/practice-role-assignments': {
    url: (i) => `/api/v1/people/${i.subject}/practice-role-assignments`,
    expect: subjectRecord,
  },
  'POST /api/v1/people/:id/practice-role-assignments': {
    url: (i) => `/api/v1/people/${i.subject}/practice-role-assignments`,
    // A day of its own each time, so one allowed request never overlaps the one before it.
    body: () => {
      const day = addDays('2030-01-01', ++assignedDays);
      return { practiceRole: 'NARCAN-INSTRUCTOR', from: day, to: day };
    },
    expect: { ...subjectRecord, peer: 403, supervisor: 201, admin: 201 },
  },
  'POST /api/v1/people/:id/practice-role-assignments/:assignmentId/end': {
    url: (i) => `/api/v1/people/${i.subject}/practice-role-assignments/${i.practiceAssignment}/end`,
    // Before the assignment started: refused for whoever may end it, so it stays open for the next persona.
    body: { to: '2025-12-31' },
    expect: { ...subjectRecord, peer: 403, supervisor: 400, admin: 400 },
  },
  'GET /people/:id/practice-roles': { url: (i) => `/people/${i.subject}/practice-roles`, expect: subjectRecord },
  'POST /people/:id/practice-roles': {
    url: (i) => `/people/${i.subject}/practice-roles`,
    body: {},
    expect: { ...subjectRecord, peer: 403, supervisor: 400, admin: 400 },
  },
  'POST /people/:id/practice-roles/:assignmentId/end': {
    url: (i) => `/people/${i.subject}/practice-roles/${i.practiceAssignment}/end`,
    body: {},
    expect: { ...subjectRecord, peer: 403, supervisor: 400, admin: 400 },
  },
  'POST /catalog/practice-roles/:id/position': {
    url: (i) => `/catalog/practice-roles/${i.role}/position`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/practice-roles/:id/position': {
    url: (i) => `/api/v1/practice-roles/${i.role}/position`,
    body: {},
    expect: admin(400),
  },
  // Practice-role rule editor (browser): an empty draft is an empty group, refused with the form re-shown.
  'POST /catalog/practice-roles/:id/rule': {
    url: (i) => `/catalog/practice-roles/${i.role}/rule`,
    body: {},
    expect: admin(400),
  },
  'GET /api/v1/practice-roles': { url: () => '/api/v1/practice-roles', expect: signedIn(200) },
  'GET /api/v1/practice-roles/:id': { url: (i) => `/api/v1/practice-roles/${i.role}`, expect: signedIn(200) },
  'POST /api/v1/practice-roles': { url: () => '/api/v1/practice-roles', body: {}, expect: admin(400) },
  'PUT /api/v1/practice-roles/:id/rule': {
    url: (i) => `/api/v1/practice-roles/${i.role}/rule`,
    body: {},
    expect: admin(400),
  },

  'GET /people/:id/clearance': { url: (i) => `/people/${i.subject}/clearance`, expect: subjectRecord },
  'GET /api/v1/people/:id/clearance': { url: (i) => `/api/v1/people/${i.subject}/clearance`, expect: subjectRecord },
  'GET /clearance': { url: () => '/clearance', expect: only(['supervisor', 'otherSupervisor', 'admin'], 200) },
  'GET /clearance.csv': { url: () => '/clearance.csv', expect: only(['supervisor', 'otherSupervisor', 'admin'], 200) },
  'GET /api/v1/clearance/board': {
    url: () => '/api/v1/clearance/board',
    expect: only(['supervisor', 'otherSupervisor', 'admin'], 200),
  },

  'GET /people/:id/credentials/new': { url: (i) => `/people/${i.subject}/credentials/new`, expect: admin(200) },
  'POST /people/:id/credentials': { url: (i) => `/people/${i.subject}/credentials`, body: {}, expect: admin(400) },
  'GET /credentials/:id/manage': { url: (i) => `/credentials/${i.credential}/manage`, expect: admin(200) },
  'POST /credentials/:id/revoke': { url: (i) => `/credentials/${i.credential}/revoke`, body: {}, expect: admin(400) },
  'POST /credentials/:id/verification': {
    url: (i) => `/credentials/${i.credential}/verification`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/people/:id/credentials': {
    url: (i) => `/api/v1/people/${i.subject}/credentials`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/credentials/:id/revoke': {
    url: (i) => `/api/v1/credentials/${i.credential}/revoke`,
    body: {},
    expect: admin(400),
  },
  'POST /credentials/:id/expiry': { url: (i) => `/credentials/${i.credential}/expiry`, body: {}, expect: admin(400) },
  'POST /credentials/:id/suspend': { url: (i) => `/credentials/${i.credential}/suspend`, body: {}, expect: admin(400) },
  'POST /api/v1/credentials/:id/suspend': {
    url: (i) => `/api/v1/credentials/${i.credential}/suspend`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/credentials/:id/expiry': {
    url: (i) => `/api/v1/credentials/${i.credential}/expiry`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/credentials/:id/verification': {
    url: (i) => `/api/v1/credentials/${i.credential}/verification`,
    body: {},
    expect: admin(400),
  },

  'GET /supervision': { url: () => '/supervision', expect: admin(200) },
  // A supervisor's own list and log form (issue 19): supervisors only; admins keep the program-wide page above.
  'GET /supervision/mine': { url: () => '/supervision/mine', expect: only(['supervisor', 'otherSupervisor'], 200) },
  'GET /supervision/mine/log': {
    url: (i) => `/supervision/mine/log?personId=${i.subject}`,
    expect: only(['supervisor', 'otherSupervisor'], 200),
  },
  'POST /supervision/mine/sessions': {
    url: () => '/supervision/mine/sessions',
    body: {},
    expect: only(['supervisor', 'otherSupervisor'], 400),
  },
  'POST /supervision/qualifications': { url: () => '/supervision/qualifications', body: {}, expect: admin(400) },
  'POST /supervision/assignments': { url: () => '/supervision/assignments', body: {}, expect: admin(400) },
  'POST /supervision/assignments/:id/board-reported': {
    url: (i) => `/supervision/assignments/${i.assignment}/board-reported`,
    expect: admin(303),
  },
  'GET /api/v1/supervision': { url: () => '/api/v1/supervision', expect: admin(200) },
  'POST /api/v1/people/:id/supervisor-qualifications': {
    url: (i) => `/api/v1/people/${i.subject}/supervisor-qualifications`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/supervision/assignments': {
    url: () => '/api/v1/supervision/assignments',
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/supervision/assignments/:id/end': {
    url: (i) => `/api/v1/supervision/assignments/${i.assignment}/end`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/supervision/assignments/:id/board-reported': {
    url: (i) => `/api/v1/supervision/assignments/${i.assignment}/board-reported`,
    expect: admin(200),
  },

  'GET /clearance/date-of-service': {
    url: () => '/clearance/date-of-service',
    expect: only(['supervisor', 'otherSupervisor', 'admin'], 200),
  },
  'POST /clearance/date-of-service': {
    url: () => '/clearance/date-of-service',
    body: {},
    expect: only(['supervisor', 'otherSupervisor', 'admin'], 400),
  },
  'POST /api/v1/clearance/date-of-service': {
    url: () => '/api/v1/clearance/date-of-service',
    body: {},
    expect: only(['supervisor', 'otherSupervisor', 'admin'], 400),
  },

  'GET /people/:id/supervision': { url: (i) => `/people/${i.subject}/supervision`, expect: subjectRecord },
  'GET /api/v1/people/:id/supervision-sessions': {
    url: (i) => `/api/v1/people/${i.subject}/supervision-sessions`,
    expect: subjectRecord,
  },
  'POST /people/:id/supervision-sessions': {
    url: (i) => `/people/${i.subject}/supervision-sessions`,
    body: {},
    expect: { ...only(['supervisor'], 400), otherSupervisor: 404 },
  },
  'POST /api/v1/people/:id/supervision-sessions': {
    url: (i) => `/api/v1/people/${i.subject}/supervision-sessions`,
    body: {},
    expect: only(['supervisor', 'otherSupervisor'], 400),
  },

  'GET /people/:id/ce': { url: (i) => `/people/${i.subject}/ce`, expect: subjectRecord },
  'POST /people/:id/ce': {
    url: (i) => `/people/${i.subject}/ce`,
    body: {},
    expect: { ...subjectRecord, peer: 400, supervisor: 400, admin: 400 },
  },
  'GET /api/v1/people/:id/ce': { url: (i) => `/api/v1/people/${i.subject}/ce`, expect: subjectRecord },
  // A real entry, so the answer is about who may write it: the person themselves and admins only.
  'POST /api/v1/people/:id/ce': {
    url: (i) => `/api/v1/people/${i.subject}/ce`,
    body: {
      title: 'Access test CE',
      provider: 'Access test',
      completedOn: '2026-01-05',
      hours: 1,
      category: 'general',
    },
    expect: { ...signedIn(404), peer: 201, admin: 201 },
  },
  // Confirming CE is for admins: a trainer has no part in anyone's CE (admins come last, so they find it unreviewed).
  'POST /ce/:entryId/review': {
    url: (i) => `/ce/${i.cePageEntry}/review`,
    body: { decision: 'confirmed' },
    expect: admin(303),
  },
  'POST /api/v1/ce/:entryId/review': {
    url: (i) => `/api/v1/ce/${i.ceEntry}/review`,
    body: { decision: 'confirmed' },
    expect: admin(200),
  },

  'GET /api/v1/courses': { url: () => '/api/v1/courses', expect: signedIn(200) },
  'GET /api/v1/courses/:id': { url: (i) => `/api/v1/courses/${i.course}`, expect: signedIn(200) },
  'POST /api/v1/courses': { url: () => '/api/v1/courses', body: {}, expect: admin(400) },
  'PUT /api/v1/courses/:id': { url: (i) => `/api/v1/courses/${i.course}`, body: {}, expect: admin(400) },
  'GET /api/v1/cohorts': { url: () => '/api/v1/cohorts', expect: trainers(200) },
  'POST /api/v1/cohorts': { url: () => '/api/v1/cohorts', body: {}, expect: trainers(400) },
  'GET /api/v1/cohorts/:id': { url: (i) => `/api/v1/cohorts/${i.cohort}`, expect: cohortRun(200) },
  // Issue 19, trainers' daily friction: a repeating schedule (input checked before the cohort is looked up, so
  // another trainer sees the 400 too; the page re-renders the cohort, so they get its 404), and the GET pages
  // that the roster and date-of-service forms redirect to, shown only to the person who posted the form.
  'POST /api/v1/cohorts/:id/sessions/schedule': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/sessions/schedule`,
    body: {},
    expect: trainers(400),
  },
  'POST /training/cohorts/:id/sessions/schedule': {
    url: (i) => `/training/cohorts/${i.cohort}/sessions/schedule`,
    body: {},
    expect: cohortRun(400),
  },
  'GET /training/cohorts/:id/roster-imports/:resultId': {
    url: (i) => `/training/cohorts/${i.cohort}/roster-imports/${i.rosterResult}`,
    expect: { ...cohortRun(200), admin: 404 },
  },
  'GET /clearance/date-of-service/results/:resultId': {
    url: (i) => `/clearance/date-of-service/results/${i.serviceCheckResult}`,
    expect: { ...supervisors(404), supervisor: 200 },
  },
  // Input is checked before the cohort is looked up, so another trainer sees the 400 too.
  'PUT /api/v1/cohorts/:id': { url: (i) => `/api/v1/cohorts/${i.cohort}`, body: {}, expect: trainers(400) },
  'POST /api/v1/cohorts/:id/status': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/status`,
    body: {},
    expect: trainers(400),
  },
  'POST /api/v1/cohorts/:id/sessions': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/sessions`,
    body: {},
    expect: trainers(400),
  },
  'PUT /api/v1/training-sessions/:id': {
    url: (i) => `/api/v1/training-sessions/${i.session}`,
    body: {},
    expect: trainers(400),
  },
  'POST /api/v1/training-sessions/:id/cancel': {
    url: (i) => `/api/v1/training-sessions/${i.cancelledSession}/cancel`,
    expect: cohortRun(200),
  },
  'GET /api/v1/cohorts/:id/candidates': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/candidates?q=test`,
    expect: cohortRun(200),
  },
  'POST /api/v1/cohorts/:id/enrollments': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/enrollments`,
    body: {},
    expect: trainers(400),
  },
  'POST /api/v1/enrollments/:id/withdraw': {
    url: (i) => `/api/v1/enrollments/${i.withdrawnEnrollment}/withdraw`,
    expect: cohortRun(409),
  },
  'POST /api/v1/cohorts/:id/roster': { url: (i) => `/api/v1/cohorts/${i.cohort}/roster`, expect: trainers(400) },
  'GET /api/v1/cohorts/:id/roster-rejections/:rejectionId': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/roster-rejections/${i.rosterRejection}`,
    expect: cohortRun(200),
  },
  'GET /api/v1/cohorts/:id/attendance': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/attendance`,
    expect: cohortRun(200),
  },
  'PUT /api/v1/cohorts/:id/attendance': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/attendance`,
    body: {},
    expect: trainers(400),
  },
  'POST /api/v1/training-sessions/:id/everyone-present': {
    url: (i) => `/api/v1/training-sessions/${i.session}/everyone-present`,
    expect: cohortRun(200),
  },
  'POST /api/v1/cohorts/:id/exam-attempts': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/exam-attempts`,
    body: {},
    expect: trainers(400),
  },
  'GET /api/v1/cohorts/:id/completion': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/completion`,
    expect: cohortRun(200),
  },
  'POST /api/v1/cohorts/:id/complete': {
    url: (i) => `/api/v1/cohorts/${i.completable}/complete`,
    body: {},
    expect: cohortRun(200),
  },
  'GET /api/v1/me/training': { url: () => '/api/v1/me/training', expect: signedIn(200) },
  'GET /calendar/:personId/:feed': { url: (i) => `/calendar/${i.subject}/${randomToken()}.ics`, expect: all(404) },

  'GET /training': { url: () => '/training', expect: trainers(200) },
  'GET /training/courses': { url: () => '/training/courses', expect: signedIn(200) },
  'GET /training/courses/new': { url: () => '/training/courses/new', expect: admin(200) },
  'POST /training/courses': { url: () => '/training/courses', body: {}, expect: admin(400) },
  'GET /training/courses/:id': { url: (i) => `/training/courses/${i.course}`, expect: signedIn(200) },
  'GET /training/courses/:id/edit': { url: (i) => `/training/courses/${i.course}/edit`, expect: admin(200) },
  'POST /training/courses/:id': { url: (i) => `/training/courses/${i.course}`, body: {}, expect: admin(400) },
  'GET /training/cohorts/new': { url: () => '/training/cohorts/new', expect: trainers(200) },
  'POST /training/cohorts': { url: () => '/training/cohorts', body: {}, expect: trainers(400) },
  'GET /training/cohorts/:id': { url: (i) => `/training/cohorts/${i.cohort}`, expect: cohortRun(200) },
  'GET /training/cohorts/:id/edit': { url: (i) => `/training/cohorts/${i.cohort}/edit`, expect: cohortRun(200) },
  'POST /training/cohorts/:id': { url: (i) => `/training/cohorts/${i.cohort}`, body: {}, expect: cohortRun(400) },
  'POST /training/cohorts/:id/status': {
    url: (i) => `/training/cohorts/${i.cohort}/status`,
    body: {},
    expect: cohortRun(400),
  },
  'POST /training/cohorts/:id/sessions': {
    url: (i) => `/training/cohorts/${i.cohort}/sessions`,
    body: {},
    expect: cohortRun(400),
  },
  'GET /training/sessions/:id/edit': { url: (i) => `/training/sessions/${i.session}/edit`, expect: cohortRun(200) },
  'POST /training/sessions/:id': { url: (i) => `/training/sessions/${i.session}`, body: {}, expect: cohortRun(400) },
  'POST /training/sessions/:id/cancel': {
    url: (i) => `/training/sessions/${i.cancelledSession}/cancel`,
    expect: cohortRun(303),
  },
  'POST /training/cohorts/:id/enrollments': {
    url: (i) => `/training/cohorts/${i.cohort}/enrollments`,
    body: {},
    expect: cohortRun(400),
  },
  'POST /training/enrollments/:id/withdraw': {
    url: (i) => `/training/enrollments/${i.withdrawnEnrollment}/withdraw`,
    expect: cohortRun(409),
  },
  'POST /training/cohorts/:id/roster': { url: (i) => `/training/cohorts/${i.cohort}/roster`, expect: cohortRun(400) },
  'GET /training/cohorts/:id/attendance': {
    url: (i) => `/training/cohorts/${i.cohort}/attendance`,
    expect: cohortRun(200),
  },
  'POST /training/cohorts/:id/attendance': {
    url: (i) => `/training/cohorts/${i.cohort}/attendance`,
    body: {},
    expect: cohortRun(303),
  },
  'POST /training/sessions/:id/everyone-present': {
    url: (i) => `/training/sessions/${i.session}/everyone-present`,
    expect: cohortRun(303),
  },
  'GET /training/cohorts/:id/completion': {
    url: (i) => `/training/cohorts/${i.cohort}/completion`,
    expect: cohortRun(200),
  },
  'POST /training/cohorts/:id/exam-attempts': {
    url: (i) => `/training/cohorts/${i.cohort}/exam-attempts`,
    body: {},
    expect: cohortRun(400),
  },
  'POST /training/cohorts/:id/complete': {
    url: (i) => `/training/cohorts/${i.completable}/complete`,
    body: {},
    expect: cohortRun(303),
  },
  'GET /my/training': { url: () => '/my/training', expect: signedIn(200) },
  'POST /my/training/calendar-reset': { url: () => '/my/training/calendar-reset', expect: signedIn(303) },

  // Reports and the dashboard: admins see the program, supervisors their own team; peers and trainers are refused.
  'GET /reports': { url: () => '/reports', expect: only(['supervisor', 'otherSupervisor', 'admin'], 200) },
  'GET /reports/dashboard.pdf': {
    url: () => '/reports/dashboard.pdf',
    expect: only(['supervisor', 'otherSupervisor', 'admin'], 200),
  },
  'GET /reports/:report': {
    url: () => '/reports/credential-roster',
    expect: only(['supervisor', 'otherSupervisor', 'admin'], 200),
  },
  'GET /reports/:report.csv': {
    url: () => '/reports/training-activity.csv',
    expect: only(['supervisor', 'otherSupervisor', 'admin'], 200),
  },
  'GET /reports/:report.xlsx': {
    url: () => '/reports/supervision-summary.xlsx',
    expect: only(['supervisor', 'otherSupervisor', 'admin'], 200),
  },
  'GET /api/v1/reports/dashboard': {
    url: () => '/api/v1/reports/dashboard',
    expect: only(['supervisor', 'otherSupervisor', 'admin'], 200),
  },
  'GET /api/v1/reports/:report': {
    url: () => '/api/v1/reports/clearance',
    expect: only(['supervisor', 'otherSupervisor', 'admin'], 200),
  },
  // Notifications (jobs issue): everyone has their own inbox and preferences, and only those; another's id is a 404.
  'GET /notifications': { url: () => '/notifications', expect: signedIn(200) },
  'POST /notifications/:id/read': { url: () => `/notifications/${randomUUID()}/read`, expect: signedIn(404) },
  'POST /notifications/read-all': { url: () => '/notifications/read-all', expect: signedIn(303) },
  'POST /account/notifications': {
    url: () => '/account/notifications',
    body: { emailReminders: 'on' },
    expect: signedIn(303),
  },
  'GET /api/v1/notifications': { url: () => '/api/v1/notifications', expect: signedIn(200) },
  'POST /api/v1/notifications/read-all': { url: () => '/api/v1/notifications/read-all', expect: signedIn(200) },
  'POST /api/v1/notifications/:id/read': {
    url: () => `/api/v1/notifications/${randomUUID()}/read`,
    expect: signedIn(404),
  },
  'GET /api/v1/notifications/preferences': { url: () => '/api/v1/notifications/preferences', expect: signedIn(200) },
  'PUT /api/v1/notifications/preferences': {
    url: () => '/api/v1/notifications/preferences',
    body: {},
    expect: signedIn(400),
  },
  // Jobs (jobs issue): the queues, failures, retry and remove are for admins only; an unknown job is a 404.
  'GET /admin/jobs': { url: () => '/admin/jobs', expect: admin(200) },
  // Submission pages (issue 17): everyone hands in their own records and sees only their own; a credential to renew
  // is the subject's alone (404 for anyone else, so ids cannot be probed); the review queue is for admins.
  'GET /my/submissions': { url: () => '/my/submissions', expect: signedIn(200) },
  'GET /my/submissions/new': { url: () => '/my/submissions/new?kind=ce', expect: signedIn(200) },
  'POST /my/submissions': { url: () => '/my/submissions', body: {}, expect: signedIn(400) },
  'GET /my/submissions/:id': { url: () => `/my/submissions/${randomUUID()}`, expect: signedIn(404) },
  'POST /my/submissions/:id/withdraw': { url: () => `/my/submissions/${randomUUID()}/withdraw`, expect: signedIn(404) },
  'GET /my/credentials/:credentialId/renew': {
    url: (i) => `/my/credentials/${i.credential}/renew`,
    expect: { ...signedIn(404), peer: 200 },
  },
  'GET /admin/submissions': { url: () => '/admin/submissions?state=&kind=renewal', expect: admin(200) },
  'GET /admin/submissions/:id': { url: () => `/admin/submissions/${randomUUID()}`, expect: admin(404) },
  'POST /admin/submissions/:id/approve': {
    url: () => `/admin/submissions/${randomUUID()}/approve`,
    body: {},
    expect: admin(404),
  },
  'POST /admin/submissions/:id/return': {
    url: () => `/admin/submissions/${randomUUID()}/return`,
    body: { reason: 'The scan is cut off.' },
    expect: admin(404),
  },
  'POST /admin/jobs/:id/:action': { url: () => `/admin/jobs/${randomUUID()}/retry`, expect: admin(404) },
  'GET /api/v1/jobs': { url: () => '/api/v1/jobs', expect: admin(200) },
  'GET /api/v1/imports': { url: () => '/api/v1/imports', expect: admin(200) },
  'POST /api/v1/imports': { url: () => '/api/v1/imports', body: {}, expect: admin(400) },
  'GET /api/v1/imports/:id': { url: () => `/api/v1/imports/${randomUUID()}`, expect: admin(404) },
  'POST /api/v1/imports/:id/commit': {
    url: () => `/api/v1/imports/${randomUUID()}/commit`,
    body: {},
    expect: admin(404),
  },
  'GET /api/v1/imports/:id/rejected.csv': {
    url: () => `/api/v1/imports/${randomUUID()}/rejected.csv`,
    expect: admin(404),
  },
  'GET /admin/imports': { url: () => '/admin/imports', expect: admin(200) },
  'POST /admin/imports': { url: () => '/admin/imports', body: {}, expect: admin(400) },
  'GET /admin/imports/:id': { url: () => `/admin/imports/${randomUUID()}`, expect: admin(404) },
  'POST /admin/imports/:id/mapping': {
    url: () => `/admin/imports/${randomUUID()}/mapping`,
    body: {},
    expect: admin(404),
  },
  'POST /admin/imports/:id/commit': {
    url: () => `/admin/imports/${randomUUID()}/commit`,
    body: {},
    expect: admin(404),
  },
  'GET /api/v1/jobs/:id': { url: () => `/api/v1/jobs/${randomUUID()}`, expect: admin(404) },
  // Submissions: handing in for yourself (any signed-in person), or for someone in your scope (supervisors,
  // admins); the subject's submission and its files in their record scope; the queue and the review for admins.
  // Empty bodies: a 400 means "allowed in, then refused the input". Withdrawing is tried on one already withdrawn.
  'POST /api/v1/me/submissions': { url: () => '/api/v1/me/submissions', body: {}, expect: signedIn(400) },
  'POST /api/v1/people/:id/submissions': {
    url: (i) => `/api/v1/people/${i.subject}/submissions`,
    body: {},
    expect: { ...only(['supervisor', 'otherSupervisor', 'admin'], 400), otherSupervisor: 404 },
  },
  'GET /api/v1/me/submissions': { url: () => '/api/v1/me/submissions', expect: signedIn(200) },
  'GET /api/v1/submissions': { url: () => '/api/v1/submissions', expect: admin(200) },
  'GET /api/v1/submissions/:id': { url: (i) => `/api/v1/submissions/${i.submission}`, expect: subjectRecord },
  'GET /api/v1/submissions/:id/files/:n': {
    url: (i) => `/api/v1/submissions/${i.submission}/files/1`,
    expect: subjectRecord,
  },
  'POST /api/v1/submissions/:id/approve': {
    url: (i) => `/api/v1/submissions/${i.submission}/approve`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/submissions/:id/return': {
    url: (i) => `/api/v1/submissions/${i.submission}/return`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/submissions/:id/withdraw': {
    url: (i) => `/api/v1/submissions/${i.withdrawnSubmission}/withdraw`,
    expect: { ...signedIn(404), peer: 409, admin: 409 },
  },
  'POST /api/v1/jobs/:id/retry': { url: () => `/api/v1/jobs/${randomUUID()}/retry`, expect: admin(404) },
  'POST /api/v1/jobs/:id/promote': { url: () => `/api/v1/jobs/${randomUUID()}/promote`, expect: admin(404) },
  'DELETE /api/v1/jobs/:id': { url: () => `/api/v1/jobs/${randomUUID()}`, expect: admin(404) },

  'GET /audit': { url: () => '/audit', expect: admin(200) },
  // Checking the chain from the page (issue 19) answers with the page and the result: admins only.
  'POST /audit/verify': { url: () => '/audit/verify', body: {}, expect: admin(200) },
  'GET /audit.csv': { url: () => '/audit.csv', expect: admin(200) },
  'GET /api/v1/audit': { url: () => '/api/v1/audit', expect: admin(200) },
  'GET /api/v1/audit/verify': { url: () => '/api/v1/audit/verify', expect: admin(200) },

  // Admin details (issue 19): the settings page (director's name and signature printed on certificates) for
  // admins only; a cohort's certificate batch progress for the cohort's trainers and admins, like the cohort.
  'GET /admin/settings': { url: () => '/admin/settings', expect: admin(200) },
  'POST /admin/settings': { url: () => '/admin/settings', body: {}, expect: admin(400) },
  'GET /admin/settings/signature': { url: () => '/admin/settings/signature', expect: admin(404) },
  'POST /admin/settings/signature': { url: () => '/admin/settings/signature', body: {}, expect: admin(400) },
  'POST /admin/settings/signature/remove': { url: () => '/admin/settings/signature/remove', expect: admin(303) },
  'GET /api/v1/cohorts/:id/certificate-progress': {
    url: (i) => `/api/v1/cohorts/${i.cohort}/certificate-progress`,
    expect: cohortRun(200),
  },

  // Certificates: the public verify pages and the Open Badges key, profile and status list; downloads
  // in the holder's scope; the signed badge for the holder and admins; revoking and re-issuing for admins.
  'GET /verify': { url: () => '/verify', expect: all(200) },
  'GET /verify/:code': { url: (i) => `/verify/${i.certificateCode}`, expect: all(200) },
  'GET /api/v1/verify/:code': { url: (i) => `/api/v1/verify/${i.certificateCode}`, expect: all(200) },
  'GET /.well-known/jwks.json': { url: () => '/.well-known/jwks.json', expect: all(200) },
  'GET /issuer': { url: () => '/issuer', expect: all(200) },
  'GET /keys/:thumbprint': { url: (i) => new URL(i.signingKey).pathname, expect: all(200) },
  'GET /status-lists/revocation': { url: () => '/status-lists/revocation', expect: all(200) },
  'GET /status-lists/suspension': { url: () => '/status-lists/suspension', expect: all(200) },
  'GET /api/v1/people/:id/certificates': {
    url: (i) => `/api/v1/people/${i.subject}/certificates`,
    expect: subjectRecord,
  },
  'GET /api/v1/certificates/:id': { url: (i) => `/api/v1/certificates/${i.certificate}`, expect: subjectRecord },
  'GET /api/v1/certificates/:id/pdf': {
    url: (i) => `/api/v1/certificates/${i.certificate}/pdf`,
    expect: subjectRecord,
  },
  'GET /api/v1/certificates/:id/open-badge': {
    url: (i) => `/api/v1/certificates/${i.certificate}/open-badge`,
    expect: subjectOnly,
  },
  'POST /api/v1/certificates/:id/revoke': {
    url: (i) => `/api/v1/certificates/${i.certificate}/revoke`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/certificates/:id/reissue': {
    url: (i) => `/api/v1/certificates/${i.certificate}/reissue`,
    body: {},
    expect: admin(400),
  },
  'POST /api/v1/certificates/regenerate': {
    url: () => '/api/v1/certificates/regenerate',
    body: {},
    expect: admin(400),
  },
  'GET /api/v1/certificate-jobs/:id': {
    url: (i) => `/api/v1/certificate-jobs/${i.certificateJob}`,
    expect: admin(200),
  },
  'GET /certificates': { url: () => '/certificates', expect: admin(200) },
  'POST /certificates/regenerate': { url: () => '/certificates/regenerate', body: {}, expect: admin(400) },
  // PUBLIC_BASE_URL is unset here, so a redraw is refused: on the form (400) and over the API (409).
  'POST /certificates/redraw-local': { url: () => '/certificates/redraw-local', body: {}, expect: admin(400) },
  'GET /api/v1/certificates/drawn-with-local-address': {
    url: () => '/api/v1/certificates/drawn-with-local-address',
    expect: admin(200),
  },
  'POST /api/v1/certificates/redraw-local': {
    url: () => '/api/v1/certificates/redraw-local',
    body: {},
    expect: admin(409),
  },
  'GET /certificates/jobs/:id': { url: (i) => `/certificates/jobs/${i.certificateJob}`, expect: admin(200) },
  'GET /certificates/:id': { url: (i) => `/certificates/${i.certificate}`, expect: subjectRecord },
  'GET /certificates/:id/download': { url: (i) => `/certificates/${i.certificate}/download`, expect: subjectRecord },
  'GET /certificates/:id/open-badge': { url: (i) => `/certificates/${i.certificate}/open-badge`, expect: subjectOnly },
  'POST /certificates/:id/revoke': {
    url: (i) => `/certificates/${i.certificate}/revoke`,
    body: {},
    expect: admin(400),
  },
  'POST /certificates/:id/reissue': {
    url: (i) => `/certificates/${i.certificate}/reissue`,
    body: {},
    expect: admin(400),
  },
  'GET /training/cohorts/:id/certificates.zip': {
    url: (i) => `/training/cohorts/${i.cohort}/certificates.zip`,
    expect: cohortRun(200),
  },
};

/**
 * Second looks at routes above with another record: the certificate routes for a certificate the
 * subject got from "trainer"'s cohort, which that trainer may see (and download) as its awarder.
 */
const SECOND_LOOKS: Record<string, { url: (ids: Ids) => string; expect: Expect }> = {
  "GET /api/v1/certificates/:id (awarded by the trainer's cohort)": {
    url: (i) => `/api/v1/certificates/${i.cohortCertificate}`,
    expect: trainingRecord,
  },
  "GET /api/v1/certificates/:id/pdf (awarded by the trainer's cohort)": {
    url: (i) => `/api/v1/certificates/${i.cohortCertificate}/pdf`,
    expect: trainingRecord,
  },
  "GET /api/v1/certificates/:id/open-badge (awarded by the trainer's cohort)": {
    url: (i) => `/api/v1/certificates/${i.cohortCertificate}/open-badge`,
    expect: subjectOnly,
  },
  "GET /certificates/:id (awarded by the trainer's cohort)": {
    url: (i) => `/certificates/${i.cohortCertificate}`,
    expect: trainingRecord,
  },
  "GET /certificates/:id/download (awarded by the trainer's cohort)": {
    url: (i) => `/certificates/${i.cohortCertificate}/download`,
    expect: trainingRecord,
  },
};

/** "METHOD /path" for every route Nest registered on Express. */
function registeredRoutes(t: TestApp): string[] {
  const router = (
    t.app.getHttpAdapter().getInstance() as {
      router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
    }
  ).router;
  return router.stack
    .filter((layer) => layer.route)
    .flatMap((layer) => Object.keys(layer.route!.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`))
    .filter((route) => !route.includes('/api/docs'));
}

// Single sign-on is on for the whole matrix, so its routes (and every other) are checked as they answer with it.
let provider: TestProvider;
beforeAll(async () => {
  provider = await startTestProvider({ baseUrls: ['http://localhost:3000'], accounts: {} });
});
afterAll(async () => provider?.stop());

describeEachEngine('Who may reach which route', (engine) => {
  let t: TestApp;
  let people: Record<Exclude<Persona, 'anonymous'>, Person>;
  let ids: Ids;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: provider.env() });
    people = {
      peer: await t.person(['peer']),
      otherPeer: await t.person(['peer']),
      trainer: await t.person(['trainer']),
      otherTrainer: await t.person(['trainer']),
      supervisor: await t.person(['supervisor', 'peer']),
      otherSupervisor: await t.person(['supervisor']),
      admin: await t.person(['admin']),
    };
    // The subject's supervisor changed on Jan 1, so there is a Board report to mark.
    const assignment = randomUUID();
    const supervise = (id: string, peer: Person, supervisor: Person) =>
      t.dataSource.query(
        `INSERT INTO supervision_assignments (id, peer_id, supervisor_id, starts_on, board_report_due_on) VALUES ('${id}', '${peer.id}', '${supervisor.id}', '2026-01-01', '2026-01-29')`,
      );
    await supervise(assignment, people.peer, people.supervisor);
    await supervise(randomUUID(), people.otherPeer, people.otherSupervisor);
    const credential = randomUUID();
    await t.dataSource.query(
      `INSERT INTO credentials (id, person_id, credential_type_id, source, issued_on) SELECT '${credential}', '${people.peer.id}', id, 'external', '2026-01-01' FROM credential_types WHERE code = 'CPR'`,
    );
    const types = await t
      .withBearer((await t.token(['admin'])).bearer)
      .get('/api/v1/credential-types')
      .expect(200);
    const roles = await t
      .withBearer((await t.token(['admin'])).bearer)
      .get('/api/v1/practice-roles')
      .expect(200);
    // A cohort "trainer" runs, with a live session yesterday, a cancelled one, and a withdrawn enrollment.
    const asAdmin = t.withBearer((await t.token(['admin'])).bearer);
    const today = t.config.today();
    const course = (
      await asAdmin
        .post('/api/v1/courses')
        .send({
          code: 'ACCESS-1',
          title: 'Access test course',
          requiredHours: 8,
          modules: [{ title: 'Only module', hours: 8, required: true }],
        })
        .expect(201)
    ).body;
    const newCohort = async () =>
      (
        await asAdmin
          .post('/api/v1/cohorts')
          .send({
            courseId: course.id,
            name: 'Access cohort',
            location: 'Room 1',
            setting: 'clinic',
            startsOn: addDays(today, -5),
            endsOn: addDays(today, 5),
            capacity: 10,
            trainerIds: [people.trainer.id],
          })
          .expect(201)
      ).body.id as string;
    const cohort = await newCohort();
    const addSession = async (heldOn: string) =>
      (
        await asAdmin
          .post(`/api/v1/cohorts/${cohort}/sessions`)
          .send({ heldOn, startsAt: '09:00', endsAt: '17:00', moduleIds: [course.modules[0].id] })
          .expect(201)
      ).body.id as string;
    const session = await addSession(addDays(today, -1));
    const cancelledSession = await addSession(addDays(today, -2));
    await asAdmin.post(`/api/v1/training-sessions/${cancelledSession}/cancel`).expect(200);
    const withdrawn = (
      await asAdmin.post(`/api/v1/cohorts/${cohort}/enrollments`).send({ personId: people.otherPeer.id }).expect(201)
    ).body.id;
    await asAdmin.post(`/api/v1/enrollments/${withdrawn}/withdraw`).expect(200);
    await asAdmin.post(`/api/v1/cohorts/${cohort}/enrollments`).send({ personId: people.peer.id }).expect(201);

    // The subject's certificate of a program-issued credential, and a certificate job to look at.
    const awarded = randomUUID();
    await t.dataSource.query(
      `INSERT INTO credentials (id, person_id, credential_type_id, source, issued_on) SELECT '${awarded}', '${people.peer.id}', id, 'external', '2026-01-02' FROM credential_types WHERE code = 'PS-40'`,
    );
    const certificate = (await t.app.get(CertificatesService).issue(awarded, null))!;
    const certificateJob = await t.app.get(JobQueue).add('certificate.issue', { credentialId: awarded });
    // And one that "trainer"'s cohort awarded the subject.
    const fromCohort = randomUUID();
    await t.dataSource.query(
      `INSERT INTO credentials (id, person_id, credential_type_id, source, cohort_id, issued_on) SELECT '${fromCohort}', '${people.peer.id}', id, 'course', '${cohort}', '2026-01-03' FROM credential_types WHERE code = 'PS-40'`,
    );
    const cohortCertificate = (await t.app.get(CertificatesService).issue(fromCohort, null))!;

    // Two CE entries the subject submitted, waiting for review.
    const subjectToken = await t.app.get(ApiTokensService).issue(people.peer.id, 'access test', systemActor('test'));
    const asSubject = t.withBearer(`Bearer ${subjectToken.token}`);
    const ce = { provider: 'Access test', completedOn: '2026-01-05', hours: 1, category: 'general' };
    const ceEntry = (
      await asSubject
        .post(`/api/v1/people/${people.peer.id}/ce`)
        .send({ ...ce, title: 'CE one' })
        .expect(201)
    ).body.id;
    const cePageEntry = (
      await asSubject
        .post(`/api/v1/people/${people.peer.id}/ce`)
        .send({ ...ce, title: 'CE two' })
        .expect(201)
    ).body.id;

    // A refused roster import on the trainer's cohort.
    const refused = await asAdmin
      .post(`/api/v1/cohorts/${cohort}/roster`)
      .attach('file', Buffer.from('name,email\nNo Address,not-an-email\n'), 'roster.csv')
      .expect(400);
    const rosterRejection = String(refused.body.details?.rejectedLinesUrl).split('/').pop()!;
    const formResults = t.app.get(FormResultsService);
    const rosterResult = await formResults.keep(people.trainer.id, `roster-import:${cohort}`, {
      fileName: 'roster.csv',
      result: {
        ok: false,
        fileError: null,
        errors: [],
        errorCount: 1,
        rejectedLinesUrl: null,
        enrolled: 0,
        skipped: 0,
      },
    });
    const serviceCheckResult = await formResults.keep(people.supervisor.id, 'date-of-service', {
      fileName: 'visits.csv',
      rows: [],
    });

    // Two CE submissions of the subject's with a PDF as evidence: one waiting, one withdrawn.
    const handIn = async (title: string) =>
      (
        await asSubject
          .post('/api/v1/me/submissions')
          .field({
            kind: 'ce',
            title,
            provider: 'Access test',
            completedOn: '2026-01-05',
            hours: '1',
            category: 'general',
          })
          .attach('files', makePdf(`BT (${title}) Tj ET`), 'certificate.pdf')
          .expect(201)
      ).body.id as string;
    const submission = await handIn('Submitted CE');
    const withdrawnSubmission = await handIn('Withdrawn CE');
    await asSubject.post(`/api/v1/submissions/${withdrawnSubmission}/withdraw`).expect(200);

    const practiceAssignment = randomUUID();
    await t.dataSource.query(
      `INSERT INTO practice_role_assignments (id, person_id, practice_role_id, starts_on) SELECT '${practiceAssignment}', '${people.peer.id}', id, '2026-01-01' FROM practice_roles WHERE code = 'PSS'`,
    );

    ids = {
      practiceAssignment,
      submission,
      withdrawnSubmission,
      certificate: certificate.id,
      certificateCode: certificate.code,
      certificateJob,
      signingKey: await t.app.get(SigningKeys).currentKid(),
      subject: people.peer.id,
      credential,
      assignment,
      type: types.body[0].id,
      role: roles.body[0].id,
      token: '',
      course: course.id,
      cohort,
      completable: await newCohort(),
      session,
      cancelledSession,
      withdrawnEnrollment: withdrawn,
      cohortCertificate: cohortCertificate.id,
      ceEntry,
      cePageEntry,
      rosterRejection,
      rosterResult,
      serviceCheckResult,
    };
  });
  afterAll(async () => t?.close());

  it('has an access entry for every registered route, and no entry for a route that is gone', () => {
    const registered = registeredRoutes(t).sort();
    expect(registered.filter((r) => !ROUTES[r])).toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !registered.includes(r))).toEqual([]);
  });

  // Hundreds of requests, each with a fresh session and token: on a loaded machine this takes a while.
  it('gives each persona exactly the expected answer on every route', async () => {
    const mismatches: string[] = [];
    const cases: Array<[string, { url: (ids: Ids) => string; body?: object | (() => object); expect: Expect }]> = [
      ...Object.entries(ROUTES),
      ...Object.entries(SECOND_LOOKS),
    ];
    for (const [route, entry] of cases) {
      const method = route.split(' ')[0].toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      for (const persona of PERSONAS) {
        // Fresh credentials for every request: some routes sign out or revoke what they are given.
        ids.token = (
          await t.app.get(ApiTokensService).issue(people.peer.id, 'access test', systemActor('test'))
        ).apiToken.id;
        const csrfSeed = randomToken();
        const cookies = [`${CSRF_COOKIE}=${csrfSeed}`];
        if (persona !== 'anonymous') {
          const { token } = await t.app
            .get(SessionsService)
            .create(t.dataSource.manager, people[persona].id, '127.0.0.1', 'access test');
          cookies.push(`${SESSION_COOKIE}=${token}`);
        }
        let req = t
          .http()
          [method](entry.url(ids))
          .set('Accept', 'application/json')
          .set('Cookie', cookies)
          .set('X-CSRF-Token', csrfTokenFor(t.config.sessionSecret, csrfSeed));
        if (entry.body) req = req.send(typeof entry.body === 'function' ? entry.body() : entry.body);
        const res = await req;
        if (res.status !== entry.expect[persona])
          mismatches.push(`${route} as ${persona}: expected ${entry.expect[persona]}, got ${res.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('keeps the API docs behind sign-in too', async () => {
    await t.http().get('/api/docs/openapi.json').set('Accept', 'application/json').expect(401);
    const peer = await t.browser(['peer']);
    await t.as(peer).get('/api/docs/openapi.json').expect(200);
  });
});
