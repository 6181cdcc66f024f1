import { canonicalJson, entryHash, GENESIS_HASH, verifyChain, type ChainFields } from './audit-chain';

function chain(n: number): Array<ChainFields & { hash: string }> {
  const out: Array<ChainFields & { hash: string }> = [];
  let prev = GENESIS_HASH;
  for (let id = 1; id <= n; id++) {
    const fields = {
      id,
      at: new Date(Date.UTC(2026, 10, 28, 12, 0, id)),
      actorId: null,
      actorLabel: 'admin',
      ip: '127.0.0.1',
      action: `act.${id}`,
      entityType: 'person',
      entityId: `p${id}`,
      before: null,
      after: `{"n":${id}}`,
      prevHash: prev,
    };
    const hash = entryHash(fields);
    out.push({ ...fields, hash });
    prev = hash;
  }
  return out;
}

describe('the audit hash chain', () => {
  it('accepts an intact chain', () => {
    expect(verifyChain(chain(5))).toMatchObject({ ok: true, checked: 5, problems: [] });
  });

  it('names an edited entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2], after: '{"n":999}' };
    expect(verifyChain(entries).problems).toEqual(['entry #3 was edited: its content no longer matches its hash']);
  });

  it('names a deleted entry, and several', () => {
    const entries = chain(6);
    expect(verifyChain(entries.filter((e) => e.id !== 4)).problems).toEqual(['entry #4 is missing (deleted)']);
    expect(verifyChain(entries.filter((e) => e.id !== 3 && e.id !== 4)).problems).toEqual([
      'entries #3–#4 are missing (deleted)',
    ]);
    expect(verifyChain(entries.slice(0, 5)).ok).toBe(true); // the newest entry removed is only caught by its successor
  });

  it('names a swapped pair', () => {
    const entries = chain(5);
    const swapped = entries.map((e) => ({ ...e }));
    swapped[1] = { ...entries[2], id: 2 };
    swapped[2] = { ...entries[1], id: 3 };
    expect(verifyChain(swapped).problems).toEqual([
      'entry #2 holds the content of entry #3 (entries were reordered)',
      'entry #3 holds the content of entry #2 (entries were reordered)',
    ]);
  });

  it('names an entry rewritten with a fresh hash that no longer follows its predecessor', () => {
    const entries = chain(4);
    const forged = { ...entries[2], after: '{"n":"forged"}', prevHash: GENESIS_HASH };
    entries[2] = { ...forged, hash: entryHash(forged) };
    expect(verifyChain(entries).problems).toEqual([
      'entry #3 does not follow entry #2 (an entry was replaced or the entries reordered)',
    ]);
  });

  it('continues from a position, for checking in batches', () => {
    const entries = chain(6);
    const first = verifyChain(entries.slice(0, 3));
    expect(verifyChain(entries.slice(3), first.end)).toMatchObject({ ok: true, checked: 3 });
  });

  it('writes JSON with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });
});
