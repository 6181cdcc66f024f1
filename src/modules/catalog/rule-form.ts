import { GROUP_KINDS, REQUIREMENT_KINDS, type RequirementKind } from './practice-role-requirement.entity';
import type { RequirementNode } from './requirement-node';

/**
 * The HTML rule editor posts the tree flat, one row per node in document (pre-)order, each row with
 * the same five fields (`depth`, `kind`, `code`, `from`, `until`) so the lists line up. Add and
 * remove buttons post the draft back and the server re-renders it changed: it works without script.
 */
export interface DraftRow {
  depth: number;
  kind: RequirementKind;
  code: string;
  from: string;
  until: string;
}

export interface RuleDraft {
  rows: DraftRow[];
  effectiveFrom: string;
  note: string;
}

/** A node of the editor as the view shows it, with the field path its errors come back under. */
export interface EditorNode extends DraftRow {
  index: number;
  path: string;
  group: boolean;
  root: boolean;
  children: EditorNode[];
  /** A submitted code the choices do not offer (the role itself, a typo in a tampered post): shown as is, so nothing is lost. */
  unknownCode?: boolean;
  errors: { self?: string; code?: string; from?: string; until?: string };
}

const MAX_ROWS = 200;

export function rowsFromRule(rule: RequirementNode | null): DraftRow[] {
  // The editor always edits a group at the top, so requirements can be added beside a lone one.
  const root: RequirementNode = !rule
    ? { kind: 'all_of', children: [] }
    : GROUP_KINDS.includes(rule.kind)
      ? rule
      : { kind: 'all_of', children: [rule] };
  const rows: DraftRow[] = [];
  const visit = (node: RequirementNode, depth: number) => {
    rows.push({
      depth,
      kind: node.kind,
      code:
        (node.kind === 'credential'
          ? node.credentialTypeCode
          : node.kind === 'practice_role'
            ? node.practiceRoleCode
            : '') ?? '',
      from: node.appliesFrom ?? '',
      until: node.appliesUntil ?? '',
    });
    for (const child of node.children ?? []) visit(child, depth + 1);
  };
  visit(root, 0);
  return rows;
}

/** Repeated form fields arrive as a list, a single one as a string, a long list (qs) as an object. */
function list(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : ''));
  if (typeof value === 'object')
    return Object.values(value as Record<string, unknown>).map((v) => (typeof v === 'string' ? v : ''));
  return [typeof value === 'string' ? value : ''];
}

export function draftFromBody(body: Record<string, unknown>): RuleDraft {
  const depths = list(body.depth).slice(0, MAX_ROWS);
  const kinds = list(body.kind);
  const codes = list(body.code);
  const froms = list(body.from);
  const untils = list(body.until);
  const rows: DraftRow[] = [];
  for (const [i, d] of depths.entries()) {
    const kind = kinds[i] as RequirementKind;
    if (!REQUIREMENT_KINDS.includes(kind)) continue;
    // A row can sit at most one level below the one before it; anything else is a tampered post.
    const depth = Math.max(0, Math.min(Number.parseInt(d, 10) || 0, rows.length ? rows[rows.length - 1].depth + 1 : 0));
    if (rows.length > 0 && depth === 0) continue;
    // Only a group can hold requirements.
    if (rows.length > 0 && depth > rows[rows.length - 1].depth && !GROUP_KINDS.includes(rows[rows.length - 1].kind))
      continue;
    rows.push({
      depth,
      kind,
      code: (codes[i] ?? '').trim(),
      from: (froms[i] ?? '').trim(),
      until: (untils[i] ?? '').trim(),
    });
  }
  if (rows.length === 0 || !GROUP_KINDS.includes(rows[0].kind)) {
    for (const row of rows) row.depth++;
    rows.unshift({ depth: 0, kind: 'all_of', code: '', from: '', until: '' });
  }
  return {
    rows,
    effectiveFrom: typeof body.effectiveFrom === 'string' ? body.effectiveFrom.trim() : '',
    note: typeof body.note === 'string' ? body.note : '',
  };
}

/** The index just past row `i` and everything under it. */
function subtreeEnd(rows: DraftRow[], i: number): number {
  let end = i + 1;
  while (end < rows.length && rows[end].depth > rows[i].depth) end++;
  return end;
}

/**
 * Applies an add/remove button: `add:<row>` appends a requirement of the kind chosen beside that
 * group's button (`add-<row>`) at the end of the group; `remove:<row>` drops the row and what it holds.
 * Returns false for anything else (saving).
 */
export function applyEdit(draft: RuleDraft, op: string, body: Record<string, unknown>): boolean {
  const m = /^(add|remove):(\d{1,3})$/.exec(op);
  if (!m) return false;
  const i = Number(m[2]);
  const row = draft.rows[i];
  if (!row) return true;
  if (m[1] === 'remove') {
    if (i > 0) draft.rows.splice(i, subtreeEnd(draft.rows, i) - i);
    return true;
  }
  const kind = body[`add-${i}`] as RequirementKind;
  if (!GROUP_KINDS.includes(row.kind) || !REQUIREMENT_KINDS.includes(kind) || draft.rows.length >= MAX_ROWS)
    return true;
  draft.rows.splice(subtreeEnd(draft.rows, i), 0, { depth: row.depth + 1, kind, code: '', from: '', until: '' });
  return true;
}

/** The editor's post as an edit step (the button's `op`, applied to the draft), or false when it is saving. */
export function applyPostedEdit(draft: RuleDraft, body: Record<string, unknown>): boolean {
  return applyEdit(draft, typeof body.op === 'string' ? body.op : '', body);
}

/** What saving the draft posts, shaped as the API's `ReplaceRuleDto`: the tree, the date it starts (if given), the note. */
export function ruleReplacement(draft: RuleDraft): Record<string, unknown> {
  const { rule } = ruleFromDraft(draft.rows);
  return { rule, ...(draft.effectiveFrom ? { effectiveFrom: draft.effectiveFrom } : {}), note: draft.note };
}

/** The draft as the API's tree, plus each row's field path (`rule.children.1`) for its errors. */
export function ruleFromDraft(rows: DraftRow[]): { rule: RequirementNode; paths: string[] } {
  const paths: string[] = [];
  const build = (i: number, path: string): RequirementNode => {
    const row = rows[i];
    paths[i] = path;
    const node: RequirementNode = { kind: row.kind };
    if (row.kind === 'credential') node.credentialTypeCode = row.code || undefined;
    if (row.kind === 'practice_role') node.practiceRoleCode = row.code || undefined;
    if (row.from) node.appliesFrom = row.from;
    if (row.until) node.appliesUntil = row.until;
    if (GROUP_KINDS.includes(row.kind)) {
      node.children = [];
      const end = subtreeEnd(rows, i);
      for (let j = i + 1; j < end; j = subtreeEnd(rows, j))
        node.children.push(build(j, `${path}.children.${node.children.length}`));
    }
    return node;
  };
  return { rule: build(0, 'rule'), paths };
}

/** The draft as a tree for the view, each node carrying the errors reported under its path. */
export function editorTree(
  rows: DraftRow[],
  errors: Record<string, string> | null,
  offered: { credential: Set<string>; practice_role: Set<string> },
): EditorNode {
  const { paths } = ruleFromDraft(rows);
  const e = errors ?? {};
  const nodes = rows.map<EditorNode>((row, index) => {
    const path = paths[index];
    return {
      ...row,
      index,
      path,
      group: GROUP_KINDS.includes(row.kind),
      root: index === 0,
      children: [],
      unknownCode:
        (row.kind === 'credential' || row.kind === 'practice_role') &&
        row.code !== '' &&
        !offered[row.kind].has(row.code),
      errors: {
        self: e[path] ?? e[`${path}.kind`] ?? e[`${path}.children`],
        code: e[`${path}.credentialTypeCode`] ?? e[`${path}.practiceRoleCode`],
        from: e[`${path}.appliesFrom`],
        until: e[`${path}.appliesUntil`],
      },
    };
  });
  const stack: EditorNode[] = [];
  for (const node of nodes) {
    while (stack.length && stack[stack.length - 1].depth >= node.depth) stack.pop();
    stack[stack.length - 1]?.children.push(node);
    stack.push(node);
  }
  return nodes[0];
}
