/**
 * Words for the actions people meet most, where the dotted name reads badly ("session.login_failed");
 * every other action reads well enough spelled out from its name.
 */
const ACTION_LABELS: Record<string, string> = {
  'session.login': 'Signed in',
  'session.login_failed': 'Sign-in failed',
  'session.login_sso': 'Signed in with SSO',
  'session.sso_refused': 'SSO sign-in refused',
  'session.login_link': 'Signed in with a CLI sign-in link',
  'sign_in_link.created': 'CLI sign-in link made',
  'sso.linked': 'SSO account linked',
  'sso.unlinked': 'SSO account unlinked',
  'session.logout': 'Signed out',
  'password.changed': 'Password changed',
  'password_reset.requested': 'Password reset asked for',
  'invitation.created': 'Invitation created',
  'person.created': 'Person added',
  'person.updated': 'Person changed',
  'credential.recorded': 'Credential recorded',
  'certificate.issued': 'Certificate drawn',
  'certificate.revoked': 'Certificate revoked',
  'certificate.reissued': 'Certificate redrawn',
  'certificate.reissue_requested': 'Certificate redraw asked for',
  'session.revoked_others': 'Other sessions signed out',
  'notification.preferences': 'Notification settings changed',
  'demo.seeded': 'Demo data loaded',
  'api_token.issued': 'API token issued',
  'api_token.revoked': 'API token revoked',
  'attestation.recorded': 'Lived experience attested',
  'practice_role.rule_replaced': 'Clearance rule replaced',
  'job.retry': 'Job retried',
  'job.remove': 'Job removed',
  'job.promote': 'Job run early',
};

/** "credential.recorded" → "Credential recorded"; the map's words where it has them. */
export function actionLabel(action: string): string {
  const known = ACTION_LABELS[action];
  if (known) return known;
  const words = action.replace(/[._]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * An IPv4 client reaches a dual-stack socket as "::ffff:203.0.113.9"; people know it as 203.0.113.9. Display only:
 * the stored value is part of the hash chain and stays as recorded.
 */
export function displayIp(ip: string | null): string | null {
  if (!ip) return ip;
  const v4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return v4 ? v4[1] : ip;
}
