/**
 * The `clearance_facts_changed` marker that stands for every peer: a practice role's rules changed
 * (written by the migration's triggers, read by the expiry scan).
 */
export const EVERY_PEER = '00000000-0000-0000-0000-000000000000';
