import { CredentialType } from '../modules/catalog/credential-type.entity';
import { PracticeRoleRequirement } from '../modules/catalog/practice-role-requirement.entity';
import { PracticeRoleRuleVersion } from '../modules/catalog/practice-role-rule-version.entity';
import { PracticeRole } from '../modules/catalog/practice-role.entity';
import { Credential } from '../modules/credentials/credential.entity';
import { LivedExperienceAttestation } from '../modules/people/lived-experience-attestation.entity';
import { PersonRole } from '../modules/people/person-role.entity';
import { Person } from '../modules/people/person.entity';
import { PersonStatusPeriod } from '../modules/people/person-status-period.entity';
import { SeedEntry } from './seed-entry.entity';
import { AccountLink } from '../modules/auth/account-link.entity';
import { ExternalIdentity } from '../modules/auth/external-identity.entity';
import { ApiToken } from '../modules/auth/api-token.entity';
import { FormResult } from '../modules/auth/form-result.entity';
import { LoginFailure } from '../modules/auth/login-failure.entity';
import { Session } from '../modules/auth/session.entity';
import { AuditEntry } from '../modules/audit/audit-entry.entity';
import { SupervisionAssignment } from '../modules/supervision/supervision-assignment.entity';
import { SupervisorQualification } from '../modules/supervision/supervisor-qualification.entity';
import { SupervisionSession } from '../modules/supervision/supervision-session.entity';
import { CeEntry } from '../modules/ce/ce-entry.entity';
import { Course } from '../modules/training/course.entity';
import { CourseModule } from '../modules/training/course-module.entity';
import { Cohort } from '../modules/training/cohort.entity';
import { TrainingSession } from '../modules/training/training-session.entity';
import { Enrollment } from '../modules/training/enrollment.entity';
import { Attendance } from '../modules/training/attendance.entity';
import { ExamAttempt } from '../modules/training/exam-attempt.entity';
import { RosterRejection } from '../modules/training/roster-rejection.entity';
import { Notification } from '../modules/notifications/notification.entity';
import { NotificationPreference } from '../modules/notifications/notification-preference.entity';
import { OutboxMessage } from '../modules/notifications/outbox-message.entity';
import { Certificate } from '../modules/certificates/certificate.entity';
import { DataImport, ImportMapping } from '../modules/imports/import.entity';
import { Submission } from '../modules/submissions/submission.entity';
import { CertificateLookup } from '../modules/certificates/certificate-lookup.entity';
import { ProgramSetting } from '../modules/certificates/program-setting.entity';
import { PracticeRoleAssignment } from '../modules/practice-assignments/practice-role-assignment.entity';

/** Every entity, listed once; the data source and the tests use this list. */
export const ENTITIES = [
  Person,
  PersonRole,
  PersonStatusPeriod,
  LivedExperienceAttestation,
  CredentialType,
  PracticeRole,
  PracticeRoleRequirement,
  PracticeRoleRuleVersion,
  Credential,
  SeedEntry,
  Session,
  FormResult,
  ApiToken,
  AccountLink,
  ExternalIdentity,
  LoginFailure,
  SupervisionAssignment,
  AuditEntry,
  SupervisorQualification,
  SupervisionSession,
  CeEntry,
  Course,
  CourseModule,
  Cohort,
  TrainingSession,
  Enrollment,
  Attendance,
  ExamAttempt,
  RosterRejection,
  Notification,
  NotificationPreference,
  OutboxMessage,
  Certificate,
  CertificateLookup,
  ProgramSetting,
  DataImport,
  ImportMapping,
  Submission,
  PracticeRoleAssignment,
];
