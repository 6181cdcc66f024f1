import { Command, CommandRunner, Option } from 'nest-commander';
import { DataSource } from 'typeorm';
import { isIsoDate } from '../common/dates';
import { AppConfig } from '../config/app-config';
import { ExpiryScanService } from '../modules/expiry/expiry-scan.service';
import { SupervisorDigestService } from '../modules/expiry/supervisor-digest.service';

const JOBS = ['expiry-scan', 'supervisor-digest'] as const;

@Command({
  name: 'jobs:run',
  arguments: '[job]',
  argsDescription: { job: JOBS.join(' | ') },
  description: 'run a scheduled job now, here; its e-mail is queued for delivery',
})
export class JobsRunCommand extends CommandRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly expiryScan: ExpiryScanService,
    private readonly supervisorDigest: SupervisorDigestService,
  ) {
    super();
  }

  @Option({ flags: '--date <YYYY-MM-DD>', description: 'the day to run it for (default: today in PROGRAM_TIMEZONE)' })
  parseDate(value: string): string {
    if (!isIsoDate(value)) throw new Error(`--date must be a calendar date YYYY-MM-DD, not "${value}"`);
    return value;
  }

  async run([job]: string[], options: { date?: string }): Promise<void> {
    // nest-commander declares arguments without a list of choices, so the job's name is checked here.
    if (!JOBS.includes(job as (typeof JOBS)[number]))
      throw new Error(
        'jobs:run needs a job: expiry-scan or supervisor-digest, e.g. jobs:run expiry-scan --date 2026-12-01',
      );
    // Migrations first, so a job run on a fresh database finds its tables.
    await this.dataSource.runMigrations({ transaction: 'each' });
    const date = options.date ?? this.config.today();
    if (job === 'expiry-scan') {
      const r = await this.expiryScan.run(date);
      console.log(
        `Expiry scan for ${r.date}: ${r.examined} credentials due, ${r.transitions} status changes, ${r.reminders} reminders, ${r.clearanceChanges} clearance changes, ${r.emailsQueued} e-mails queued.`,
      );
      console.log(
        `Clearance rechecked for ${r.clearanceChecked} people (dates ${r.window.from} to ${r.window.to}, ${r.factsChanged} whose facts were written since the last scan${r.rulesChanged ? ', every peer as rules changed' : ''}); ${r.remindersSkipped} reminders too old to send recorded as skipped.`,
      );
    } else {
      const r = await this.supervisorDigest.run(date);
      console.log(`Supervisor digest for ${r.date}: ${r.supervisors} supervisors, ${r.emailsQueued} e-mails queued.`);
    }
  }
}
