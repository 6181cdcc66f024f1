import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import type { EvidenceStorage } from '../submissions/evidence/evidence-storage';
import { detectEvidenceType } from '../submissions/evidence/evidence-type';
import { stripImageMetadata } from '../submissions/evidence/strip-metadata';
import { ProgramSetting } from './program-setting.entity';

/** The store the director's signature image lives in (content-addressed, apart from evidence). */
export const SIGNATURE_STORAGE = Symbol('signature storage');

export const SIGNATURE_MAX_BYTES = 1024 * 1024;

const DIRECTOR_NAME = 'certificate.director_name';
const DIRECTOR_SIGNATURE = 'certificate.director_signature';

interface StoredSignature {
  key: string;
  mime: 'image/png' | 'image/jpeg';
  size: number;
}

/** What the settings page shows. */
export interface CertificateSettingsView {
  directorName: string;
  /** Where the printed name comes from: the page, the CERTIFICATE_DIRECTOR_NAME variable, or nowhere (blank line). */
  directorNameFrom: 'settings' | 'environment' | 'unset';
  directorTitle: string;
  signature: { mime: string; size: number; updatedAt: Date } | null;
}

function refused(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, message, errors: [{ field: 'signature', message }] });
}

/**
 * The program director's name and signature image, as an admin sets them on /admin/settings, for
 * the certificates drawn from then on (issued PDFs never change). The name falls back to the
 * CERTIFICATE_DIRECTOR_NAME variable until it is saved here.
 */
@Injectable()
export class CertificateSettings {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(SIGNATURE_STORAGE) private readonly storage: EvidenceStorage,
  ) {}

  async view(): Promise<CertificateSettingsView> {
    const [name, signature] = await Promise.all([this.read(DIRECTOR_NAME), this.read(DIRECTOR_SIGNATURE)]);
    const fromEnv = this.config.certificates.directorName;
    const stored = signature ? (JSON.parse(signature.value) as StoredSignature) : null;
    return {
      directorName: name ? name.value : fromEnv,
      directorNameFrom: name ? 'settings' : fromEnv ? 'environment' : 'unset',
      directorTitle: this.config.certificates.directorTitle,
      signature: stored && signature ? { mime: stored.mime, size: stored.size, updatedAt: signature.updatedAt } : null,
    };
  }

  /** What the next certificate prints: the director's name (maybe empty) and the signature image, if any. */
  async forDrawing(): Promise<{ directorName: string; directorSignature: Buffer | null }> {
    const [name, signature] = await Promise.all([this.read(DIRECTOR_NAME), this.read(DIRECTOR_SIGNATURE)]);
    const stored = signature ? (JSON.parse(signature.value) as StoredSignature) : null;
    return {
      directorName: name ? name.value : this.config.certificates.directorName,
      directorSignature: stored ? await this.storage.read(stored.key) : null,
    };
  }

  /** The signature image as stored, for the settings page's preview; null when there is none. */
  async signatureImage(): Promise<{ bytes: Buffer; mime: string } | null> {
    const signature = await this.read(DIRECTOR_SIGNATURE);
    if (!signature) return null;
    const stored = JSON.parse(signature.value) as StoredSignature;
    return { bytes: await this.storage.read(stored.key), mime: stored.mime };
  }

  async setDirectorName(directorName: string, actor: Actor): Promise<void> {
    await this.change(actor, DIRECTOR_NAME, directorName);
  }

  /** A PNG or JPEG (by its bytes, not its name), at most 1 MB; its metadata is dropped before it is stored. */
  async setSignature(file: { buffer: Buffer; size: number } | undefined, actor: Actor): Promise<void> {
    if (!file || file.size === 0 || file.buffer.length === 0) throw refused('Choose a PNG or JPEG image to upload.');
    if (file.buffer.length > SIGNATURE_MAX_BYTES) throw refused('The image is larger than 1 MB, the most it may be.');
    const type = detectEvidenceType(file.buffer);
    if ('refused' in type || (type.type !== 'png' && type.type !== 'jpeg'))
      throw refused('The image must be a PNG or JPEG file; this one is not.');
    const { key, size } = await this.storage.put(stripImageMetadata(file.buffer, type.type));
    const stored: StoredSignature = { key, mime: type.type === 'png' ? 'image/png' : 'image/jpeg', size };
    await this.change(actor, DIRECTOR_SIGNATURE, JSON.stringify(stored));
  }

  async removeSignature(actor: Actor): Promise<void> {
    await this.change(actor, DIRECTOR_SIGNATURE, null);
  }

  private read(key: string, manager: EntityManager = this.dataSource.manager): Promise<ProgramSetting | null> {
    return manager.getRepository(ProgramSetting).findOneBy({ key });
  }

  /** Writes (or, with null, removes) one setting, with before and after in the audit log. */
  private async change(actor: Actor, key: string, value: string | null): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(ProgramSetting);
      const before = await this.read(key, tx);
      if (value === null) await repo.delete({ key });
      else await repo.save({ key, value, updatedById: actor.personId, updatedAt: new Date() });
      await this.audit.record(tx, actor, {
        action: 'settings.changed',
        entityType: 'setting',
        entityId: key,
        before: { value: before?.value ?? null },
        after: { value },
      });
    });
  }
}
