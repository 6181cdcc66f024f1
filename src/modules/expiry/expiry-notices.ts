import { addDays, formatDate, type IsoDate } from '../../common/dates';
import type { CredentialType } from '../catalog/credential-type.entity';
import type { NotificationInput, Recipient } from '../notifications/notifications.service';
import { reminderWording, type ReminderEvent } from './expiry-rules';

/** The supervisor hears of a reminder this close to expiry, and of grace and expiry. */
const SUPERVISOR_FROM_DAYS = 30;

/**
 * What the scan tells about one reminder: the holder, and — this close to expiry, or on grace and
 * expiry — each of their supervisors. Each is keyed by credential, threshold and recipient, so it
 * is written once.
 */
export function reminderNotices(
  credential: { id: string; personId: string; expiresOn: IsoDate },
  type: CredentialType,
  reminder: ReminderEvent,
  date: IsoDate,
  peer: Recipient | undefined,
  supervisorIds: string[],
): NotificationInput[] {
  const graceEndsOn = type.graceDays > 0 ? addDays(credential.expiresOn, type.graceDays) : null;
  const words = reminderWording(reminder, type.name, credential.expiresOn, graceEndsOn, date);
  const context = {
    credentialName: type.name,
    credentialCode: type.code,
    expiresOn: formatDate(credential.expiresOn),
    graceEndsOn: graceEndsOn ? formatDate(graceEndsOn) : null,
    headline: words.headline,
    detail: words.detail,
    threshold: reminder.threshold,
    personName: peer?.name ?? '',
  };
  // Straight to the Renew form of this credential: one click from the reminder to handing in the proof.
  const renewLink = `/my/credentials/${credential.id}/renew`;
  const dedupeKey = (to: string) => `reminder:${credential.id}:${reminder.threshold}:${to}`;
  const notices: NotificationInput[] = [
    {
      personId: credential.personId,
      kind: 'reminder',
      title: words.headline,
      body: `${words.detail} Renew it and send the proof here.`,
      link: renewLink,
      dedupeKey: dedupeKey(credential.personId),
      email: {
        category: 'reminder',
        subject: words.headline,
        template: 'credential-reminder',
        context: { ...context, forSupervisor: false, link: renewLink },
      },
    },
  ];
  const toSupervisor = reminder.daysBefore === null || reminder.daysBefore <= SUPERVISOR_FROM_DAYS;
  for (const supervisorId of toSupervisor ? supervisorIds : []) {
    const title = `${peer?.name ?? 'Someone you supervise'}: ${words.headline}`;
    notices.push({
      personId: supervisorId,
      kind: 'supervisee_reminder',
      title,
      body: words.detail,
      link: `/people/${credential.personId}`,
      dedupeKey: dedupeKey(supervisorId),
      email: {
        category: 'alert',
        subject: title,
        template: 'credential-reminder',
        context: { ...context, forSupervisor: true, link: `/people/${credential.personId}` },
      },
    });
  }
  return notices;
}

/** What each supervisor is told when a person they supervise loses or regains clearance for a role on `date`. */
export function clearanceNotices(
  personId: string,
  role: { code: string; name: string },
  cleared: boolean,
  date: IsoDate,
  supervisorIds: string[],
  recipients: Map<string, Recipient>,
): NotificationInput[] {
  const name = recipients.get(personId)?.name ?? 'Someone you supervise';
  const title = cleared ? `${name} is cleared again for ${role.name}` : `${name} is no longer cleared for ${role.name}`;
  const body = cleared
    ? `As of ${formatDate(date)}, ${name} meets the requirements for ${role.name} again.`
    : `As of ${formatDate(date)}, ${name} does not meet the requirements for ${role.name}. Do not schedule them for it until this is resolved.`;
  return supervisorIds.map((supervisorId) => ({
    personId: supervisorId,
    kind: cleared ? 'clearance_regained' : 'clearance_lost',
    title,
    body,
    link: `/people/${personId}/clearance`,
    dedupeKey: `clearance:${personId}:${role.code}:${date}:${cleared ? 'regained' : 'lost'}:${supervisorId}`,
    email: {
      category: 'alert',
      subject: title,
      template: 'clearance-change',
      context: {
        personName: name,
        roleName: role.name,
        cleared,
        date: formatDate(date),
        body,
        link: `/people/${personId}/clearance`,
      },
    },
  }));
}
