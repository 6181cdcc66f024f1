import { ROLES, type Role } from '../people/person-role.entity';

/**
 * Accounts and sign-in arrive with the accounts issue; until then every visitor is shown the
 * full menu. This constant is the one place that assumption lives, so the accounts work replaces
 * it with the signed-in person's roles.
 */
export const ALL_ROLES_UNTIL_ACCOUNTS: readonly Role[] = ROLES;
