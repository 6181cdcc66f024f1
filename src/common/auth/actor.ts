/** Who did something, and from where: written into every audit entry. */
export interface Actor {
  personId: string | null;
  label: string;
  ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { personId: null, label: 'system', ip: null };

export function systemActor(what: string): Actor {
  return { personId: null, label: `system: ${what}`, ip: null };
}
