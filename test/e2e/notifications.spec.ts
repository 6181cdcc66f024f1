import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { ExpiryScanService } from '../../src/modules/expiry/expiry-scan.service';
import { InProcessJobQueue } from '../../src/modules/jobs/in-process-job-queue';
import { JobQueue } from '../../src/modules/jobs/jobs';
import { MailService } from '../../src/modules/mail/mail.service';
import { SWEEP_EVERY_MS } from '../../src/modules/jobs/job-scheduler.service';
import { OutboxDeliveryService, SWEEP_AFTER_MS } from '../../src/modules/notifications/outbox-delivery.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';
import { count, credential, credentialType, supervise } from '../helpers/expiry';
import { settle } from '../helpers/jobs';

interface Received {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** A real SMTP listener on a free port that refuses the first `refuse` messages (451), then accepts. */
async function smtpListener(refuse: number) {
  const received: Received[] = [];
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refused < refuse) {
          refused++;
          const error = new Error('Try again later') as Error & { responseCode: number };
          error.responseCode = 451;
          return callback(error);
        }
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push({
            to: (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            messageId: mail.messageId ?? '',
          });
          callback();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    received,
    refusedCount: () => refused,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describeEachEngine('Notifications and the e-mail outbox', (engine) => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof smtpListener>>;
  beforeAll(async () => {
    smtp = await smtpListener(2);
    t = await createTestApp(engine, { env: { SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('renders a reminder as HTML and text', async () => {
    const { html, text } = await t.app.get(MailService).preview({
      template: 'credential-reminder',
      context: {
        recipientName: 'Renée',
        personName: 'Renée',
        headline: 'CPR expires in 7 days',
        detail: 'It expires on Dec 8, 2026.',
        graceEndsOn: null,
        forSupervisor: false,
        link: '/my/credentials/00000000-0000-4000-8000-000000000001/renew',
        credentialName: 'CPR',
      },
    });
    expect(html).toContain('<strong>CPR expires in 7 days.</strong>');
    expect(html).toContain(
      `href="${t.config.publicBaseUrl}/my/credentials/00000000-0000-4000-8000-000000000001/renew">Renew it and send the proof here</a>`,
    );
    expect(text).toContain('CPR expires in 7 days.');
    expect(text).toContain(
      `Renew it and send the proof here, so your record stays current:\n${t.config.publicBaseUrl}/my/credentials/00000000-0000-4000-8000-000000000001/renew`,
    );
    expect(text).not.toContain('send your program the proof');
    expect(text).not.toMatch(/<[a-z]/);
    // HTML-escaped in HTML, as typed in text.
    const escaped = await t.app.get(MailService).preview({
      template: 'clearance-change',
      context: {
        recipientName: 'Sam',
        personName: 'A <b>bold</b> name',
        roleName: 'PSS',
        cleared: false,
        date: 'Dec 1, 2026',
        body: 'x',
        link: '/',
      },
    });
    expect(escaped.html).toContain('A &lt;b&gt;bold&lt;/b&gt; name');
  });

  it('a reminder reaches the bell, the list and, after the SMTP server refused twice, the inbox exactly once', async () => {
    const peer = await t.browser(['peer']);
    const supervisor = await t.person(['supervisor']);
    await supervise(t, peer.person.id, supervisor.id);
    const type = await credentialType(t, { name: 'Naloxone Training' });
    await credential(t, peer.person.id, type, '2027-01-07');
    const report = await t.app.get(ExpiryScanService).run('2026-12-31');
    expect(report).toMatchObject({ reminders: 1, emailsQueued: 2 });

    const queue = t.app.get(JobQueue);
    const jobs = await queue.list({ queue: 'notifications' });
    expect(jobs).toHaveLength(2);
    for (const job of jobs) expect((await settle(queue, job.id)).state).toBe('completed');
    expect(smtp.refusedCount()).toBe(2);
    const mine = smtp.received.filter((m) => m.to === peer.person.email);
    expect(mine).toHaveLength(1);
    expect(mine[0].subject).toBe('Naloxone Training expires in 7 days');
    expect(mine[0].text).toContain('It expires on Jan 7, 2027.');
    expect(mine[0].html).toContain('<strong>Naloxone Training expires in 7 days.</strong>');
    expect(smtp.received.filter((m) => m.to === supervisor.email)).toHaveLength(1);
    expect(
      await count(t, `SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent' AND person_id = $1`, [peer.person.id]),
    ).toBe(1);

    // Delivering the same message again (a duplicate job, a retry after a lost acknowledgement) sends nothing.
    const [row] = await t.dataSource.query(
      `SELECT id FROM outbox WHERE person_id = ${engine === 'postgres' ? '$1' : '?'}`,
      [peer.person.id],
    );
    expect(await t.app.get(OutboxDeliveryService).deliver(row.id, { attempt: 1 })).toBe('already sent');
    expect(smtp.received.filter((m) => m.to === peer.person.email)).toHaveLength(1);
    expect(mine[0].messageId).toContain(row.id);

    // In the app: the bell counts it, the list shows it, marking read clears the count.
    const home = await t.as(peer).get('/').expect(200);
    expect(home.text).toMatch(/aria-label="Notifications, 1 unread"/);
    const list = await t.as(peer).get('/notifications').expect(200);
    expect(list.text).toContain('Naloxone Training expires in 7 days');
    const api = await t.as(peer).get('/api/v1/notifications').expect(200);
    expect(api.body).toMatchObject({ unread: 1, total: 1 });
    await t
      .as(peer)
      .post(`/notifications/${api.body.items[0].id}/read`)
      .type('form')
      .send({ open: '1' })
      .expect(303)
      .expect('Location', /^\/my\/credentials\/[0-9a-f-]{36}\/renew$/);
    expect((await t.as(peer).get('/api/v1/notifications').expect(200)).body.unread).toBe(0);
    expect((await t.as(peer).get('/').expect(200)).text).not.toContain('unread"');
  });

  it('keeps each person to their own notifications', async () => {
    const a = await t.browser(['peer']);
    const b = await t.browser(['peer']);
    await t.dataSource.query(
      `INSERT INTO notifications (id, person_id, kind, title, body) VALUES (${engine === 'postgres' ? '$1, $2, $3, $4, $5' : '?, ?, ?, ?, ?'})`,
      ['7d8f9a10-0000-4000-8000-000000000001', a.person.id, 'reminder', 'For A only', 'x'],
    );
    await t.as(b).post('/api/v1/notifications/7d8f9a10-0000-4000-8000-000000000001/read').expect(404);
    expect((await t.as(b).get('/api/v1/notifications').expect(200)).body.total).toBe(0);
    await t.as(a).post('/api/v1/notifications/read-all').expect(200, { marked: 1 });
    await t.as(a).post('/api/v1/notifications/not-a-uuid/read').expect(400);
  });

  it('turns reminder e-mail off from the account page and the API; bad input is a 400', async () => {
    const peer = await t.browser(['peer']);
    expect((await t.as(peer).get('/account').expect(200)).text).toContain('name="emailReminders" checked');
    await t
      .as(peer)
      .post('/account/notifications')
      .type('form')
      .send({})
      .expect(303)
      .expect('Location', '/account?notice=notifications-saved');
    expect((await t.as(peer).get('/api/v1/notifications/preferences').expect(200)).body).toEqual({
      emailReminders: false,
    });
    const account = await t.as(peer).get('/account?notice=notifications-saved').expect(200);
    expect(account.text).toContain('Your notification choices are saved.');
    expect(account.text).not.toContain('name="emailReminders" checked');
    const bad = await t.as(peer).put('/api/v1/notifications/preferences').send({ emailReminders: 'yes' }).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'emailReminders', message: 'must be true or false' }]);
    await t
      .as(peer)
      .put('/api/v1/notifications/preferences')
      .send({ emailReminders: true })
      .expect(200, { emailReminders: true });
    expect(
      await count(
        t,
        `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'notification.preferences' AND entity_id = $1`,
        [peer.person.id],
      ),
    ).toBe(2);
  });

  it('re-queues a pending e-mail whose delivery job was lost', async () => {
    const person = await t.person(['peer']);
    const id = '7d8f9a10-0000-4000-8000-0000000000aa';
    await t.dataSource.query(
      `INSERT INTO outbox (id, person_id, to_address, subject, template, context, state, created_at) VALUES (${engine === 'postgres' ? "$1, $2, $3, $4, $5, $6, 'pending', now() - interval '1 hour'" : "?, ?, ?, ?, ?, ?, 'pending', datetime('now', '-1 hour')"})`,
      [
        id,
        person.id,
        person.email,
        'Lost and found',
        'clearance-change',
        JSON.stringify({
          recipientName: 'X',
          personName: 'Y',
          roleName: 'PSS',
          cleared: true,
          date: 'Dec 1, 2026',
          body: 'b',
          link: '/',
        }),
      ],
    );
    expect(await t.app.get(OutboxDeliveryService).sweep()).toBe(1);
    const job = (await t.app.get(JobQueue).list({ queue: 'notifications', state: undefined })).find(
      (j) => j.key === `deliver:${id}`,
    )!;
    expect((await settle(t.app.get(JobQueue), job.id)).state).toBe('completed');
    expect(smtp.received.filter((m) => m.subject === 'Lost and found')).toHaveLength(1);
    expect(t.app.get(JobQueue)).toBeInstanceOf(InProcessJobQueue);
  });

  it('re-queues a lost delivery within a minute of its commit, and sends it once though the sweep and the late original job both run', async () => {
    // The longest a lost job waits: until the message is old enough to sweep, then until the next sweep.
    expect(SWEEP_AFTER_MS + SWEEP_EVERY_MS).toBeLessThan(60_000);
    const person = await t.person(['peer']);
    const id = '7d8f9a10-0000-4000-8000-0000000000ab';
    // Committed now, and its delivery job lost: nothing is queued for it.
    await t.dataSource.query(
      `INSERT INTO outbox (id, person_id, to_address, subject, template, context, state) VALUES (${engine === 'postgres' ? "$1, $2, $3, $4, $5, $6, 'pending'" : "?, ?, ?, ?, ?, ?, 'pending'"})`,
      [
        id,
        person.id,
        person.email,
        'Found within a minute',
        'clearance-change',
        JSON.stringify({
          recipientName: 'X',
          personName: 'Y',
          roleName: 'PSS',
          cleared: true,
          date: 'Dec 1, 2026',
          body: 'b',
          link: '/',
        }),
      ],
    );
    const committed = Date.now();
    const queue = t.app.get(JobQueue);
    const delivery = t.app.get(OutboxDeliveryService);
    const deliverJobs = async () =>
      (await queue.list({ queue: 'notifications', state: undefined })).filter((j) => j.key === `deliver:${id}`);
    // Too young to sweep a few seconds on: its job may still be on its way.
    expect(await delivery.sweep(SWEEP_AFTER_MS, committed + 5_000)).toBe(0);
    expect(await deliverJobs()).toHaveLength(0);
    // The first sweep at or after SWEEP_AFTER_MS queues it: at the latest SWEEP_EVERY_MS later, under a minute.
    expect(await delivery.sweep(SWEEP_AFTER_MS, committed + SWEEP_AFTER_MS + 1_000)).toBeGreaterThanOrEqual(1);
    // A second sweep before that job ran queues nothing more: the job is keyed by the message.
    await delivery.sweep(SWEEP_AFTER_MS, committed + SWEEP_AFTER_MS + SWEEP_EVERY_MS);
    const [job] = await deliverJobs();
    expect(await deliverJobs()).toHaveLength(1);
    // The original job was only late, not lost: it runs at the same moment as the re-queued one.
    const late = delivery.deliver(id, { attempt: 1 }).catch((error: Error) => error.message);
    expect((await settle(queue, job.id)).state).toBe('completed');
    expect(await late).toMatch(/^(sent|already sent|Another delivery is sending)/);
    expect(await delivery.deliver(id, { attempt: 1 })).toBe('already sent');
    expect(await delivery.sweep(SWEEP_AFTER_MS, committed + 10 * 60_000)).toBe(0);
    expect(smtp.received.filter((m) => m.subject === 'Found within a minute')).toHaveLength(1);
    const [row] = await t.dataSource.query(
      `SELECT state FROM outbox WHERE id = ${engine === 'postgres' ? '$1' : '?'}`,
      [id],
    );
    expect(row.state).toBe('sent');
  });
});
