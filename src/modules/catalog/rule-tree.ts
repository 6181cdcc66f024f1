import type { FieldError } from '../../common/http/validation';
import { GROUP_KINDS, type PracticeRoleRequirement } from './practice-role-requirement.entity';
import type { RequirementNode } from './requirement-node';

/** Visits every node, depth first, with its path as a form field names it ("rule.children.0"). */
export function walk(node: RequirementNode, path: string, visit: (node: RequirementNode, path: string) => void): void {
  visit(node, path);
  (node.children ?? []).forEach((child, i) => walk(child, `${path}.children.${i}`, visit));
}

/**
 * What is wrong with the tree's shape alone (an empty group, a requirement with children, dates the
 * wrong way round), and the credential type and practice role codes it names, upper-cased.
 */
export function shapeErrors(rule: RequirementNode): {
  errors: FieldError[];
  credentialCodes: Set<string>;
  roleCodes: Set<string>;
} {
  const errors: FieldError[] = [];
  const credentialCodes = new Set<string>();
  const roleCodes = new Set<string>();
  walk(rule, 'rule', (node, path) => {
    if (GROUP_KINDS.includes(node.kind) && !(node.children && node.children.length > 0)) {
      errors.push({ field: path, message: `an ${node.kind} group needs at least one requirement` });
    }
    if (!GROUP_KINDS.includes(node.kind) && node.children && node.children.length > 0) {
      errors.push({ field: path, message: `a ${node.kind} requirement cannot have children` });
    }
    if (node.appliesFrom && node.appliesUntil && node.appliesUntil < node.appliesFrom) {
      errors.push({ field: path, message: 'appliesUntil is before appliesFrom' });
    }
    if (node.kind === 'credential' && node.credentialTypeCode)
      credentialCodes.add(node.credentialTypeCode.toUpperCase());
    if (node.kind === 'practice_role' && node.practiceRoleCode) roleCodes.add(node.practiceRoleCode.toUpperCase());
  });
  return { errors, credentialCodes, roleCodes };
}

/** Codes that name nothing (by upper-cased code), and a role that requires itself (`roleId`). */
export function referenceErrors(
  rule: RequirementNode,
  roleId: string,
  typeByCode: ReadonlyMap<string, unknown>,
  roleByCode: ReadonlyMap<string, { id: string }>,
): FieldError[] {
  const errors: FieldError[] = [];
  walk(rule, 'rule', (node, path) => {
    if (
      node.kind === 'credential' &&
      node.credentialTypeCode &&
      !typeByCode.has(node.credentialTypeCode.toUpperCase())
    ) {
      errors.push({
        field: `${path}.credentialTypeCode`,
        message: `no credential type has the code ${node.credentialTypeCode}`,
      });
    }
    if (node.kind === 'practice_role' && node.practiceRoleCode) {
      const target = roleByCode.get(node.practiceRoleCode.toUpperCase());
      if (!target)
        errors.push({
          field: `${path}.practiceRoleCode`,
          message: `no practice role has the code ${node.practiceRoleCode}`,
        });
      else if (target.id === roleId)
        errors.push({ field: `${path}.practiceRoleCode`, message: 'a practice role cannot require itself' });
    }
  });
  return errors;
}

/**
 * Follows "requires being cleared as" links from `requiredIds`; returns a loop back to `roleId` as
 * codes ("A → B → A"), or null. The role's own links are left out: its rule is the one being replaced.
 */
export function roleCycle(
  roleId: string,
  links: ReadonlyArray<Pick<PracticeRoleRequirement, 'practiceRoleId' | 'requiredPracticeRoleId'>>,
  requiredIds: string[],
  codes: ReadonlyMap<string, string>,
): string | null {
  const edges = new Map<string, string[]>();
  for (const l of links) {
    if (l.practiceRoleId === roleId) continue;
    edges.set(l.practiceRoleId, [...(edges.get(l.practiceRoleId) ?? []), l.requiredPracticeRoleId!]);
  }
  const search = (id: string, path: string[], seen: Set<string>): string[] | null => {
    if (id === roleId) return path;
    if (seen.has(id)) return null;
    seen.add(id);
    for (const next of edges.get(id) ?? []) {
      const found = search(next, [...path, next], seen);
      if (found) return found;
    }
    return null;
  };
  for (const start of requiredIds) {
    const path = search(start, [roleId, start], new Set());
    if (path) return path.map((id) => codes.get(id) ?? id).join(' → ');
  }
  return null;
}

/** Rebuilds the tree from its rows (ordered by position). */
export function buildTree(rows: PracticeRoleRequirement[]): RequirementNode | null {
  const toNode = (row: PracticeRoleRequirement): RequirementNode => {
    const node: RequirementNode = { kind: row.kind };
    if (row.credentialType) node.credentialTypeCode = row.credentialType.code;
    if (row.requiredPracticeRole) node.practiceRoleCode = row.requiredPracticeRole.code;
    if (row.appliesFrom) node.appliesFrom = row.appliesFrom;
    if (row.appliesUntil) node.appliesUntil = row.appliesUntil;
    if (GROUP_KINDS.includes(row.kind)) node.children = rows.filter((r) => r.parentId === row.id).map(toNode);
    return node;
  };
  const root = rows.find((r) => r.parentId === null);
  return root ? toNode(root) : null;
}
