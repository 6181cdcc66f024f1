import { ExpiryScanService } from '../../src/modules/expiry/expiry-scan.service';
import { MailService } from '../../src/modules/mail/mail.service';
import { Notification } from '../../src/modules/notifications/notification.entity';
import { OutboxMessage } from '../../src/modules/notifications/outbox-message.entity';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { credential, credentialType, supervise } from '../helpers/expiry';

/** Issue 17: a peer finds "Renew" from the reminder in one click. */
describeEachEngine('Expiry reminders link straight to Renew', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { env: { JOBS_IN_WEB: 'off' } });
  });
  afterAll(() => t?.close());

  it("links the holder's e-mail and in-app reminder to that credential's Renew page; the supervisor's to the record", async () => {
    const peer = await t.person(['peer'], { name: 'Gus Holder' });
    const supervisor = await t.person(['supervisor']);
    await supervise(t, peer.id, supervisor.id);
    const type = await credentialType(t, { name: 'Naloxone Training' });
    const c = await credential(t, peer.id, type, '2027-01-07');
    await t.app.get(ExpiryScanService).run('2026-12-31');
    const renew = `/my/credentials/${c.id}/renew`;

    const [inApp] = await t.dataSource.getRepository(Notification).findBy({ personId: peer.id });
    expect(inApp).toMatchObject({ kind: 'reminder', link: renew });
    expect(inApp.body).toContain('Renew it and send the proof here.');

    const [mail] = await t.dataSource.getRepository(OutboxMessage).findBy({ personId: peer.id });
    expect(mail.template).toBe('credential-reminder');
    expect(mail.context).toMatchObject({ link: renew, forSupervisor: false });
    const { html, text } = await t.app.get(MailService).preview({
      template: mail.template,
      context: { ...mail.context, recipientName: 'Gus' },
    });
    expect(html).toContain(`<a href="${t.config.publicBaseUrl}${renew}">Renew it and send the proof here</a>`);
    expect(text).toContain(`${t.config.publicBaseUrl}${renew}`);
    expect(text).toContain('Renew it and send the proof here');
    for (const body of [html, text, inApp.body]) expect(body).not.toContain('send your program the proof');

    const [toSupervisor] = await t.dataSource.getRepository(Notification).findBy({ personId: supervisor.id });
    expect(toSupervisor).toMatchObject({ kind: 'supervisee_reminder', link: `/people/${peer.id}` });
  });
});
