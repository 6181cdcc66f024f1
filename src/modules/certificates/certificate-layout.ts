/**
 * A certificate layout is data (a JSON file under templates/certificates/) drawn by one renderer.
 * Coordinates are PDF points on a landscape US Letter page (792 × 612, origin top left).
 * Text may name fields in double braces ("{{recipientName}}"); an element with `when` is drawn
 * only if that field has a value (hours for courses, a trainer for a cohort's certificate).
 */
export const FONT_NAMES = ['serif', 'serif-bold', 'serif-italic', 'sans', 'sans-bold', 'mono'] as const;
export type FontName = (typeof FONT_NAMES)[number];

/** Everything a layout may print. */
export interface CertificateFields {
  orgName: string;
  recipientName: string;
  credentialName: string;
  credentialCode: string;
  /** "40" for a course's hours; empty when the credential has none. */
  hours: string;
  issuedOn: string;
  /** "Valid through March 3, 2028" or "Does not expire". */
  validity: string;
  trainerName: string;
  directorName: string;
  directorTitle: string;
  licenceNumber: string;
  cohortName: string;
  code: string;
  verifyUrl: string;
  /** The verify address without the code, for the line under the QR. */
  verifyBase: string;
}
export type FieldName = keyof CertificateFields;

interface Box {
  x?: number;
  y: number;
  /** Width of the text box; the page between the margins when left out. */
  width?: number;
}

export interface TextElement extends Box {
  type: 'text';
  text: string;
  font: FontName;
  size: number;
  color?: string;
  align?: 'left' | 'center' | 'right';
  characterSpacing?: number;
  uppercase?: boolean;
  when?: FieldName;
  /** Shrink down to this size before wrapping (and keep wrapping inside `maxHeight`). */
  minSize?: number;
  maxHeight?: number;
  lineGap?: number;
}

export interface RuleElement {
  type: 'rule';
  x?: number;
  y: number;
  width: number;
  color?: string;
  thickness?: number;
}

export interface SignatureElement {
  type: 'signature';
  x: number;
  y: number;
  width: number;
  name: string;
  role: string;
  when?: FieldName;
}

export interface QrElement {
  type: 'qr';
  x: number;
  y: number;
  size: number;
  color?: string;
}

export interface LogoElement {
  type: 'logo';
  x?: number;
  y: number;
  width: number;
  height: number;
}

export interface FrameElement {
  type: 'frame';
  inset: number;
  color?: string;
  thickness?: number;
  /** Corner ornaments: small squares at each inner corner. */
  corners?: number;
}

export interface SealElement {
  type: 'seal';
  x: number;
  y: number;
  radius: number;
  color?: string;
  text: string;
}

export type LayoutElement =
  TextElement | RuleElement | SignatureElement | QrElement | LogoElement | FrameElement | SealElement;

export interface CertificateLayout {
  id: string;
  /** Bump when the layout changes; each certificate records the id and version it was drawn with. */
  version: number;
  description: string;
  colors: Record<string, string>;
  /** Background fill of the page. */
  paper?: string;
  margin: number;
  elements: LayoutElement[];
}

/** Which layout each credential gets: by credential type code, then for any course award, then the default. */
export interface LayoutManifest {
  byCredentialType: Record<string, string>;
  courseAward: string;
  default: string;
}

const ELEMENT_TYPES = ['text', 'rule', 'signature', 'qr', 'logo', 'frame', 'seal'];

/** Refuses a layout file that would draw wrongly, naming the file and the element, before any certificate uses it. */
export function assertLayout(value: unknown, file: string): CertificateLayout {
  const fail = (why: string): never => {
    throw new Error(`Certificate layout ${file}: ${why}`);
  };
  const l = value as CertificateLayout;
  if (!l || typeof l !== 'object') fail('is not a JSON object');
  if (typeof l.id !== 'string' || !/^[a-z0-9-]{1,40}$/.test(l.id))
    fail('needs an "id" of lower-case letters, digits and dashes');
  if (!Number.isInteger(l.version) || l.version < 1) fail('needs a whole-number "version" of 1 or more');
  if (typeof l.margin !== 'number') fail('needs a "margin" in points');
  if (!Array.isArray(l.elements) || l.elements.length === 0) fail('needs "elements"');
  l.elements.forEach((e, i) => {
    if (!ELEMENT_TYPES.includes(e?.type)) fail(`element ${i} has an unknown type "${(e as { type?: string })?.type}"`);
    if (e.type === 'text' && !FONT_NAMES.includes(e.font)) fail(`element ${i} uses an unknown font "${e.font}"`);
    if (e.type === 'text' && !(e.size > 0)) fail(`element ${i} needs a size`);
    if ('y' in e && typeof e.y !== 'number') fail(`element ${i} needs a "y"`);
  });
  const qr = l.elements.filter((e) => e.type === 'qr');
  if (qr.length !== 1) fail('must have exactly one QR code (the verification link)');
  if (!l.elements.some((e) => e.type === 'text' && e.text.includes('{{code}}')))
    fail('must print the verification code ({{code}})');
  if (!l.elements.some((e) => e.type === 'text' && e.text.includes('{{recipientName}}')))
    fail("must print the recipient's name ({{recipientName}})");
  return l;
}
