import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource, LessThan, type EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import { WriteLock } from '../../common/db/write-lock';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { HandlesJob } from '../jobs/handles-job';
import { JobQueue, JOBS, type JobContext, type JobPayloads } from '../jobs/jobs';
import { readImportFile } from './import-file';
import { planColumns, type ColumnPlan } from './import-columns';
import { PeopleIndex } from './import-lookups';
import { CommitRefused, runPass } from './import-run';
import { fileHash, mappingFailure, readingOf, resultFields } from './import-results';
import { ImportFileError, type ImportTable } from './import-table';
import { DateFormatWatch } from './import-values';
import { DataImport, ImportMapping, type ImportKind, type ImportOptions } from './import.entity';
import { ImportCheckers } from './import-checkers';
import type { ImportEnv } from './kinds/import-kind';

export interface NewImport {
  kind: ImportKind;
  mapping?: Record<string, string | null>;
  sheet?: string | null;
  sendInvitations?: boolean;
  drawCertificates?: boolean;
  saveMappingAs?: string | null;
}

export interface UploadedFile {
  path: string;
  originalname: string;
  size: number;
}

/** Where a running pass is, kept in memory: a long commit holds SQLite's one connection, so it cannot be stored. */
export interface ImportProgress {
  phase: 'checking' | 'committing';
  done: number;
  total: number | null;
  startedAt: number;
}

/** Uploaded files are kept this long, so an import can still be committed or checked again. */
const KEEP_UPLOADS_MS = 7 * 86_400_000;

/**
 * Moving in from spreadsheets. An upload is stored and dry-run as a job: every row checked by the
 * single-record rules, nothing written. The admin reads the preview, maps columns if asked, and
 * commits: a second job runs the same pass in one transaction and writes it all, or nothing.
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);
  private readonly running = new Map<string, ImportProgress>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly jobs: JobQueue,
    private readonly writeLock: WriteLock,
    private readonly checkers: ImportCheckers,
  ) {}

  private get folder(): string {
    return join(this.config.dataDir, 'imports');
  }

  uploadPath(id: string): string {
    return join(this.folder, `${id}.upload`);
  }

  rejectedPath(id: string): string {
    return join(this.folder, `${id}-rejected.csv`);
  }

  /** Stores the upload and queues its dry run; the caller may wait for it with `waitForCheck`. */
  async create(file: UploadedFile, input: NewImport, actor: Actor): Promise<DataImport> {
    await mkdir(this.folder, { recursive: true });
    // Week-old uploads go when the next one comes, as rejected roster lines do: no schedule to keep.
    await this.sweep();
    const sha256 = await fileHash(file.path);
    const repo = this.dataSource.getRepository(DataImport);
    const created = await this.writeLock.run(() =>
      repo.save(
        repo.create({
          kind: input.kind,
          state: 'checking',
          fileName: file.originalname.slice(0, 255),
          sha256,
          sizeBytes: file.size,
          sheet: input.sheet ?? null,
          mapping: input.mapping ?? {},
          options: {
            sendInvitations: !!input.sendInvitations,
            drawCertificates: !!input.drawCertificates,
            skipRejected: false,
          },
          reading: null,
          counts: { new: 0, updated: 0, unchanged: 0, rejected: 0 },
          errors: [],
          createdById: actor.personId,
        }),
      ),
    );
    await rename(file.path, this.uploadPath(created.id)).catch(async () => {
      // Another file system (the upload's temporary folder): copy instead of moving.
      await copyFile(file.path, this.uploadPath(created.id));
      await rm(file.path, { force: true });
    });
    if (input.saveMappingAs && input.mapping) await this.saveMapping(input.kind, input.saveMappingAs, input.mapping);
    await this.queueCheck(created.id);
    return created;
  }

  /** The admin's answer to the mapping step: the same file checked again with these columns. */
  async remap(id: string, mapping: Record<string, string | null>, saveAs?: string | null): Promise<DataImport> {
    const found = await this.get(id);
    if (found.state !== 'checked' && found.state !== 'failed')
      throw new ConflictException(`This import is ${found.state}; it can be mapped again only after its check.`);
    if (!existsSync(this.uploadPath(id)))
      throw new ConflictException('The uploaded file is no longer kept; upload it again.');
    await this.writeLock.run(() =>
      this.dataSource
        .getRepository(DataImport)
        .update({ id }, { mapping: { ...found.mapping, ...mapping }, state: 'checking', failure: null }),
    );
    if (saveAs) await this.saveMapping(found.kind, saveAs, { ...found.mapping, ...mapping });
    await this.queueCheck(id);
    return this.get(id);
  }

  private async queueCheck(id: string): Promise<void> {
    this.running.set(id, { phase: 'checking', done: 0, total: null, startedAt: Date.now() });
    await this.jobs.add('import.check', { importId: id }, { key: `import.check:${id}:${Date.now()}` });
  }

  /** Waits up to `ms` for the dry run (an API call answers with it when it is quick). */
  async waitWhile(id: string, state: 'checking' | 'committing', ms: number): Promise<DataImport> {
    const until = Date.now() + ms;
    for (;;) {
      const found = await this.get(id);
      if (found.state !== state || Date.now() >= until) return found;
      await new Promise((resume) => setTimeout(resume, 100));
    }
  }

  @HandlesJob('import.check')
  async check(payload: JobPayloads['import.check'], context: JobContext): Promise<void> {
    const found = await this.dataSource.getRepository(DataImport).findOneBy({ id: payload.importId });
    if (!found || found.state !== 'checking') return;
    const progress: ImportProgress = { phase: 'checking', done: 0, total: null, startedAt: Date.now() };
    this.running.set(found.id, progress);
    try {
      const opened = await this.open(found, this.dataSource.manager);
      if ('failure' in opened) return await this.finishCheck(found, { state: 'failed', failure: opened.failure });
      const { table, plan, env } = opened;
      const reading = readingOf(table, plan, env.dates);
      if (plan.unmatched.length || plan.missing.length || plan.badMapping.length)
        return await this.finishCheck(found, { state: 'checked', reading, failure: mappingFailure(plan) });
      const checker = await this.checkers.create(found.kind, env);
      const result = await runPass({
        table,
        plan,
        env,
        checker,
        rejectedPath: this.rejectedPath(found.id),
        progress: (done) => ((progress.done = done), void context.progress(done, 0)),
      });
      const datesProblem = env.dates.problem();
      await this.finishCheck(found, {
        state: 'checked',
        reading: { ...reading, dateFormat: env.dates.description() },
        failure: datesProblem ?? (result.rows === 0 ? 'The file has no records under its header row.' : null),
        ...resultFields(result),
      });
    } catch (e) {
      if (!(e instanceof ImportFileError)) throw e;
      await this.finishCheck(found, { state: 'failed', failure: e.message });
    } finally {
      this.running.delete(found.id);
    }
  }

  private async finishCheck(found: DataImport, changes: Partial<DataImport>): Promise<void> {
    if (changes.state === 'failed' && changes.failure?.includes('health information'))
      await rm(this.uploadPath(found.id), { force: true });
    await this.writeLock.run(() => this.dataSource.getRepository(DataImport).update({ id: found.id }, changes));
  }

  /** Reads the stored file and works out its columns; a file that cannot be read says why. */
  private async open(
    found: DataImport,
    db: EntityManager,
    actor?: Actor,
  ): Promise<{ table: ImportTable; plan: ColumnPlan; env: ImportEnv } | { failure: string }> {
    if (!existsSync(this.uploadPath(found.id)))
      return { failure: 'The uploaded file is no longer kept; upload it again.' };
    const table = await readImportFile(this.uploadPath(found.id), {
      fileName: found.fileName,
      sheet: found.sheet ?? undefined,
    });
    const plan = planColumns(found.kind, table.header, found.mapping);
    if (plan.healthColumns.length) {
      const names = plan.healthColumns.map((h) => `"${h}"`).join(', ');
      return {
        failure:
          `The column ${names} looks like health information (a diagnosis or condition). This system records only that ` +
          `lived experience was verified, never what it was, so the file was refused and deleted. Remove the column and upload it again.`,
      };
    }
    const env: ImportEnv = {
      kind: found.kind,
      db,
      actor: actor ?? { personId: found.createdById, label: 'import', ip: null },
      today: this.config.today(),
      people: await PeopleIndex.load(db),
      dates: new DateFormatWatch(),
      options: found.options,
      importId: found.id,
      fileName: found.fileName,
    };
    return { table, plan, env };
  }

  /** Queues the commit of a checked import. */
  async commit(id: string, choice: Partial<ImportOptions>, actor: Actor): Promise<DataImport> {
    const found = await this.get(id);
    if (found.state !== 'checked')
      throw new ConflictException(`This import is ${found.state}; only a checked import can be committed.`);
    if (found.failure) throw new ConflictException(`This import cannot be committed: ${found.failure}`);
    const skipRejected = !!choice.skipRejected;
    if (found.counts.rejected > 0 && !skipRejected)
      throw new ConflictException(
        `${found.counts.rejected} of ${found.rows} rows were rejected, so nothing is imported. Fix them and upload the file again, or choose to import the valid rows and skip the rejected ones.`,
      );
    const options: ImportOptions = {
      sendInvitations: choice.sendInvitations ?? found.options.sendInvitations,
      drawCertificates: choice.drawCertificates ?? found.options.drawCertificates,
      skipRejected,
    };
    await this.writeLock.run(() =>
      this.dataSource.getRepository(DataImport).update({ id }, { state: 'committing', options, startedAt: new Date() }),
    );
    this.running.set(id, { phase: 'committing', done: 0, total: found.rows, startedAt: Date.now() });
    await this.jobs.add('import.commit', { importId: id, actor }, { key: `import.commit:${id}:${Date.now()}` });
    return this.get(id);
  }

  @HandlesJob('import.commit')
  async handleCommit(payload: JobPayloads['import.commit'], context: JobContext): Promise<void> {
    const found = await this.dataSource.getRepository(DataImport).findOneBy({ id: payload.importId });
    // Done already (a retry after the commit went through): nothing to do twice.
    if (!found || found.state !== 'committing') return;
    const progress: ImportProgress = { phase: 'committing', done: 0, total: found.rows, startedAt: Date.now() };
    this.running.set(found.id, progress);
    const actor: Actor = payload.actor;
    let after: (() => Promise<void>) | undefined;
    try {
      await this.writeLock.run(() =>
        this.dataSource.transaction(async (tx) => {
          const opened = await this.open(found, tx, actor);
          if ('failure' in opened) throw new CommitRefused(opened.failure);
          const { table, plan, env } = opened;
          const checker = await this.checkers.create(found.kind, env);
          const result = await runPass({
            table,
            plan,
            env,
            checker,
            commit: { tx, audit: this.audit, skipRejected: found.options.skipRejected },
            progress: (done) => ((progress.done = done), void context.progress(done, found.rows)),
          });
          await this.audit.record(tx, actor, {
            action: 'import.committed',
            entityType: 'import',
            entityId: found.id,
            after: {
              kind: found.kind,
              fileName: found.fileName,
              sha256: found.sha256,
              rows: result.rows,
              counts: result.counts,
              skipRejected: found.options.skipRejected,
              sendInvitations: found.options.sendInvitations,
              drawCertificates: found.options.drawCertificates,
            },
          });
          await tx
            .getRepository(DataImport)
            .update(
              { id: found.id },
              { state: 'committed', committedAt: new Date(), failure: null, ...resultFields(result) },
            );
          after = checker.afterCommit;
        }),
      );
    } catch (e) {
      const last = context.attempt >= JOBS['import.commit'].attempts;
      if (e instanceof CommitRefused || e instanceof ImportFileError || last) {
        const failure = e instanceof Error ? e.message : String(e);
        await this.writeLock.run(() =>
          this.dataSource
            .getRepository(DataImport)
            .update({ id: found.id }, { state: 'checked', failure: `Not committed: ${failure}` }),
        );
        if (!(e instanceof CommitRefused || e instanceof ImportFileError))
          this.logger.error(`Import ${found.id} failed: ${failure}`);
        return;
      }
      throw e;
    } finally {
      this.running.delete(found.id);
    }
    await after?.();
  }

  async get(id: string): Promise<DataImport> {
    const found = await this.dataSource.getRepository(DataImport).findOneBy({ id });
    if (!found) throw new NotFoundException('No import with that id.');
    return found;
  }

  progressOf(id: string): ImportProgress | null {
    return this.running.get(id) ?? null;
  }

  /** Past imports, newest first. */
  list(limit = 50): Promise<DataImport[]> {
    return this.dataSource.getRepository(DataImport).find({ order: { createdAt: 'DESC' }, take: limit });
  }

  async rejectedCsv(id: string): Promise<string> {
    await this.get(id);
    const path = this.rejectedPath(id);
    if (!existsSync(path)) throw new NotFoundException('This import has no rejected rows.');
    return path;
  }

  mappings(kind?: ImportKind): Promise<ImportMapping[]> {
    return this.dataSource.getRepository(ImportMapping).find({ where: kind ? { kind } : {}, order: { name: 'ASC' } });
  }

  async saveMapping(kind: ImportKind, name: string, mapping: Record<string, string | null>): Promise<void> {
    const repo = this.dataSource.getRepository(ImportMapping);
    await this.writeLock.run(async () => {
      const same = await repo.findOneBy({ kind, name });
      if (same) await repo.update({ id: same.id }, { mapping });
      else await repo.insert({ kind, name, mapping });
    });
  }

  /** Deletes uploads (and their rejected rows) older than a week; the import's record and counts stay. */
  async sweep(now = Date.now()): Promise<number> {
    const old = await this.dataSource
      .getRepository(DataImport)
      .find({ select: { id: true }, where: { createdAt: LessThan(new Date(now - KEEP_UPLOADS_MS)) } });
    if (!existsSync(this.folder)) return 0;
    const names = new Set(await readdir(this.folder));
    let removed = 0;
    for (const { id } of old) {
      for (const name of [`${id}.upload`, `${id}-rejected.csv`]) {
        if (names.has(name)) {
          await rm(join(this.folder, name), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}
