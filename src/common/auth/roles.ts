/** The roles a person can hold; a person may hold several (a Master Narcan Trainer is a peer and a trainer). */
export const ROLES = ['peer', 'trainer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
