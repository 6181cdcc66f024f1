import { CoreSchema1764300000000 } from './1764300000000-core-schema';
import { AccountsAndAudit1764400000000 } from './1764400000000-accounts-and-audit';
import { Clearance1764500000000 } from './1764500000000-clearance';
import { SupervisionSessionsAndCe1764600000000 } from './1764600000000-supervision-sessions-and-ce';
import { CredentialSuspension1764700000000 } from './1764700000000-credential-suspension';
import { Training1764800000000 } from './1764800000000-training';
import { Jobs1764900000000 } from './1764900000000-jobs';
import { Certificates1764960000000 } from './1764960000000-certificates';
import { CatalogRevision1796150000000 } from './1796150000000-catalog-revision';
import { PracticeRoleRuleVersions1796160000000 } from './1796160000000-practice-role-rule-versions';
import { CredentialTermsPublished1796170000000 } from './1796170000000-credential-terms-published';
import { ExpiryAndNotifications1796200000000 } from './1796200000000-expiry-and-notifications';
import { ExpiryScanWindows1796210000000 } from './1796210000000-expiry-scan-windows';
import { RosterRejections1796300000000 } from './1796300000000-roster-rejections';
import { PeopleEmailKey1796400000000 } from './1796400000000-people-email-key';
import { FixedDateFirstPeriod1796500000000 } from './1796500000000-fixed-date-first-period';
import { Imports1796600000000 } from './1796600000000-imports';
import { Submissions1796700000000 } from './1796700000000-submissions';
import { CertificateDrawnBaseUrl1796710000000 } from './1796710000000-certificate-drawn-base-url';
import { PracticeRoleAssignments1796800000000 } from './1796800000000-practice-role-assignments';
import { TrainerFriction1796810000000 } from './1796810000000-trainer-friction';
import { AdminDetails1796820000000 } from './1796820000000-admin-details';
import { ExternalIdentities1796830000000 } from './1796830000000-external-identities';
import { SignInLinks1796830000001 } from './1796830000001-sign-in-links';
import { RateLimits1796850000000 } from './1796850000000-rate-limits';
import { PersonStatusPeriods1796860000000 } from './1796860000000-person-status-periods';
import { ClearanceFactsChanged1796870000000 } from './1796870000000-clearance-facts-changed';

/** Every migration in order. Listed explicitly so the compiled app and the tests run the same set. */
export const MIGRATIONS = [
  CoreSchema1764300000000,
  AccountsAndAudit1764400000000,
  Clearance1764500000000,
  SupervisionSessionsAndCe1764600000000,
  CredentialSuspension1764700000000,
  Training1764800000000,
  Jobs1764900000000,
  Certificates1764960000000,
  CatalogRevision1796150000000,
  PracticeRoleRuleVersions1796160000000,
  CredentialTermsPublished1796170000000,
  ExpiryAndNotifications1796200000000,
  ExpiryScanWindows1796210000000,
  RosterRejections1796300000000,
  PeopleEmailKey1796400000000,
  FixedDateFirstPeriod1796500000000,
  Imports1796600000000,
  Submissions1796700000000,
  CertificateDrawnBaseUrl1796710000000,
  PracticeRoleAssignments1796800000000,
  TrainerFriction1796810000000,
  AdminDetails1796820000000,
  ExternalIdentities1796830000000,
  SignInLinks1796830000001,
  RateLimits1796850000000,
  PersonStatusPeriods1796860000000,
  ClearanceFactsChanged1796870000000,
];
