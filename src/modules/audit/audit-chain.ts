import { createHash } from 'node:crypto';

/** The hash the first entry follows. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  id: number;
  at: Date;
  actorId: string | null;
  actorLabel: string;
  ip: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: string | null;
  after: string | null;
  prevHash: string;
}

/** JSON with object keys sorted at every level, so the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

/**
 * An entry's own columns in their fixed order: what the hash covers (before `prevHash`) and what an
 * export writes (before `hash`). One list, so the two cannot drift apart.
 */
export function entryColumns(e: Omit<ChainFields, 'prevHash'>): Array<string | number | null> {
  return [
    e.id,
    e.at.toISOString(),
    e.actorId,
    e.actorLabel,
    e.ip,
    e.action,
    e.entityType,
    e.entityId,
    e.before,
    e.after,
  ];
}

export function entryHash(e: ChainFields): string {
  const content = [...entryColumns(e), e.prevHash];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** Where a walk of the chain stands: the id and previous hash the next entry must have. */
export interface ChainPosition {
  expectedId: number;
  previousHash: string;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  problems: string[];
}

/**
 * Walks the log in id order and names every break: an entry whose content no longer matches its
 * hash (edited; or moved, when it matches another position), a gap in the ids (deleted), or an
 * entry that does not follow the one before it (reordered or replaced).
 */
export function verifyChain(
  entries: Array<ChainFields & { hash: string }>,
  start: ChainPosition = { expectedId: 1, previousHash: GENESIS_HASH },
): ChainReport & { end: ChainPosition } {
  const problems: string[] = [];
  let { expectedId, previousHash } = start;
  // A link to an entry already reported is a consequence of that report, not a new break.
  let previousReported = false;
  for (const entry of entries) {
    const before = problems.length;
    if (entry.id > expectedId) {
      problems.push(
        expectedId === entry.id - 1
          ? `entry #${expectedId} is missing (deleted)`
          : `entries #${expectedId}–#${entry.id - 1} are missing (deleted)`,
      );
    }
    if (entryHash(entry) !== entry.hash) {
      const movedFrom = entries
        .map((e) => e.id)
        .find((id) => id !== entry.id && entryHash({ ...entry, id }) === entry.hash);
      problems.push(
        movedFrom !== undefined
          ? `entry #${entry.id} holds the content of entry #${movedFrom} (entries were reordered)`
          : `entry #${entry.id} was edited: its content no longer matches its hash`,
      );
    } else if (entry.prevHash !== previousHash && entry.id === expectedId && !previousReported) {
      problems.push(
        `entry #${entry.id} does not follow entry #${entry.id - 1} (an entry was replaced or the entries reordered)`,
      );
    }
    previousReported = problems.length > before;
    previousHash = entry.hash;
    expectedId = entry.id + 1;
  }
  return { ok: problems.length === 0, checked: entries.length, problems, end: { expectedId, previousHash } };
}
