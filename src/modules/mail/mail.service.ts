import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '../../config/app-config';
import { ROOT_DIR } from '../../common/root-dir';

export interface Mail {
  to: string;
  subject: string;
  /** A pair of templates: templates/email/<name>.html.hbs and <name>.text.hbs. */
  template: string;
  context: Record<string, unknown>;
  /** A stable Message-ID (e.g. from the outbox row), so a receiver can tell a re-send after a crash is the same message. */
  messageId?: string;
}

/**
 * Sends e-mail through SMTP when SMTP_URL is set; otherwise writes each message as an .eml file
 * under data/mail/ (open it in any mail program). Templates are compiled once.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly templates = new Map<string, Promise<Handlebars.TemplateDelegate>>();
  private readonly transport: Transporter;

  constructor(private readonly config: AppConfig) {
    this.transport =
      config.mail.transport === 'smtp'
        ? createTransport(pooled(config.mail.url))
        : createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: Mail): Promise<void> {
    const context = { orgName: this.config.orgName, baseUrl: this.config.publicBaseUrl, ...mail.context };
    const [html, text] = await Promise.all([
      this.render(`${mail.template}.html`, context),
      this.render(`${mail.template}.text`, context),
    ]);
    const message = {
      from: `"${this.config.orgName}" <no-reply@${new URL(this.config.publicBaseUrl).hostname}>`,
      to: mail.to,
      subject: mail.subject,
      html,
      text,
      ...(mail.messageId ? { messageId: mail.messageId } : {}),
    };
    const info = await this.transport.sendMail(message);
    if (this.config.mail.transport === 'file') {
      await mkdir(this.config.mail.dir, { recursive: true });
      const file = join(
        this.config.mail.dir,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`,
      );
      await writeFile(file, (info as unknown as { message: Buffer }).message);
      this.logger.log(`"${mail.subject}" to ${mail.to} written to ${file}`);
    }
  }

  /** Rendered HTML and text of a message, as send() would write them (the notifications tests look at both). */
  async preview(mail: Pick<Mail, 'template' | 'context'>): Promise<{ html: string; text: string }> {
    const context = { orgName: this.config.orgName, baseUrl: this.config.publicBaseUrl, ...mail.context };
    const [html, text] = await Promise.all([
      this.render(`${mail.template}.html`, context),
      this.render(`${mail.template}.text`, context),
    ]);
    return { html, text };
  }

  /** Closes pooled SMTP connections when the app stops. */
  onApplicationShutdown(): void {
    this.transport.close();
  }

  private render(name: string, context: object): Promise<string> {
    let template = this.templates.get(name);
    if (!template) {
      template = readFile(join(ROOT_DIR, 'templates/email', `${name}.hbs`), 'utf8').then((source) =>
        Handlebars.compile(source, { strict: true }),
      );
      this.templates.set(name, template);
    }
    return template.then((t) => t(context));
  }
}

/** Keeps SMTP connections open between messages (an outbox drains thousands in a burst) unless the URL says otherwise. */
function pooled(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('pool')) parsed.searchParams.set('pool', 'true');
  if (!parsed.searchParams.has('maxConnections')) parsed.searchParams.set('maxConnections', '10');
  return parsed.toString();
}
