import { BadRequestException } from '@nestjs/common';
import type { SubmissionFile } from '../submission.entity';
import { detectEvidenceType, EVIDENCE_LIMITS } from './evidence-type';
import type { EvidenceStorage } from './evidence-storage';
import { stripImageMetadata } from './strip-metadata';

/** An uploaded part as multer gives it (memory storage). */
export interface UploadedEvidence {
  originalname: string;
  buffer: Buffer;
  size: number;
}

function refused(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, message, errors: [{ field: 'files', message }] });
}

/**
 * Checks every evidence file before storing any: one to five, none empty or over 10 MB, each a real
 * PDF, JPEG, PNG or HEIC by its bytes. Images lose their metadata (GPS included) before they are
 * stored. A refusal stores nothing; files stored for this submission and new to the store are removed
 * again if a later step fails.
 */
export async function acceptEvidence(files: UploadedEvidence[], storage: EvidenceStorage): Promise<SubmissionFile[]> {
  if (files.length === 0) throw refused('Attach the evidence: one to five PDF, JPEG, PNG or HEIC files.');
  if (files.length > EVIDENCE_LIMITS.maxFiles)
    throw refused(`At most ${EVIDENCE_LIMITS.maxFiles} files can be attached; this has ${files.length}.`);
  const checked = files.map((file, i) => {
    const which = `File ${i + 1} (${file.originalname.slice(0, 80)})`;
    if (file.size === 0 || file.buffer.length === 0) throw refused(`${which} is empty.`);
    if (file.buffer.length > EVIDENCE_LIMITS.maxBytes) throw refused(`${which} is larger than 10 MB.`);
    const type = detectEvidenceType(file.buffer);
    if ('refused' in type) throw refused(`${which} ${type.refused}`);
    return { file, type, bytes: stripImageMetadata(file.buffer, type.type) };
  });
  const stored: SubmissionFile[] = [];
  const added: string[] = [];
  try {
    for (const { file, type, bytes } of checked) {
      const { key, size } = await storage.put(bytes);
      if (!added.includes(key)) added.push(key);
      stored.push({ key, name: file.originalname.slice(0, 200), type: type.type, mime: type.mime, size });
    }
  } catch (e) {
    for (const key of added) await storage.delete(key).catch(() => undefined);
    throw e;
  }
  return stored;
}
