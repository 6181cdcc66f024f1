import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfQrText, pdfText, pdfWords } from '../../../test/helpers/pdf';
import { ROOT_DIR } from '../../common/root-dir';
import type { CertificateFields } from './certificate-layout';
import { CertificateRenderer } from './certificate-renderer';
import { CertificateTemplates } from './certificate-templates';

const FIELDS: CertificateFields = {
  orgName: 'Big Sky Community Health',
  recipientName: 'Renée Two Feathers',
  credentialName: '40-hour Peer Support Course (incl. Ethics & Boundaries)',
  credentialCode: 'PS-40',
  hours: '40',
  issuedOn: 'March 3, 2026',
  validity: 'Does not expire',
  trainerName: 'Corey Whitehorse',
  directorName: 'Dana Littlelight',
  directorTitle: 'Program Director',
  licenceNumber: '',
  cohortName: 'Spring 2026, Billings',
  code: '7K2QH-XM4RB-9TCV1',
  verifyUrl: 'https://lms.example.org/verify/7K2QH-XM4RB-9TCV1',
  verifyBase: 'lms.example.org/verify',
};
const LAYOUTS = ['default', 'course-completion', 'certification'];
const templates = new CertificateTemplates(join(ROOT_DIR, 'templates', 'certificates'));
const renderer = new CertificateRenderer();
const render = (layout: string, fields: Partial<CertificateFields> = {}) =>
  renderer.render({
    layout: templates.layout(layout),
    fields: { ...FIELDS, ...fields },
    logo: null,
    issuedAt: new Date('2026-03-03T17:00:00Z'),
  });

describe('certificate rendering', () => {
  it.each(LAYOUTS)(
    '%s: prints the name, credential, dates, code and a QR that opens the verify page',
    async (layout) => {
      const pdf = await render(layout);
      const text = pdfText(pdf);
      for (const expected of [
        'Renée Two Feathers',
        '40-hour Peer Support Course (incl. Ethics & Boundaries)',
        'Issued March 3, 2026',
        'Does not expire',
        '7K2QH-XM4RB-9TCV1',
        'Dana Littlelight',
        'Corey Whitehorse',
      ])
        expect(text).toContain(expected);
      expect(text).toContain('PROGRAM DIRECTOR');
      expect(pdfQrText(pdf)).toBe('https://lms.example.org/verify/7K2QH-XM4RB-9TCV1');
    },
  );

  it('prints hours on a course certificate, and the expiry when there is one', async () => {
    const text = pdfText(await render('course-completion', { validity: 'Valid through December 31, 2027' }));
    expect(text).toContain('40 hours of instruction · Spring 2026, Billings');
    expect(text).toContain('Valid through December 31, 2027');
    expect(pdfText(await render('course-completion', { hours: '' }))).not.toContain('hours of instruction');
  });

  it('leaves the trainer line out when there is no trainer, and prints the licence number where the layout has it', async () => {
    const text = pdfText(await render('certification', { trainerName: '', licenceNumber: 'CORR-0042' }));
    expect(text).not.toContain('TRAINER');
    expect(text).toContain('Certificate number CORR-0042');
  });

  it.each(LAYOUTS)(
    '%s: sets Lakota, Cree syllabics and Blackfoot names with real glyphs (text extracts back as typed)',
    async (layout) => {
      for (const name of ['Wíŋyaŋ Ȟaŋté Čaŋté Ǧí', 'ᓀᐦᐃᔭᐍᐏᐣ Maskwa', 'Áísínaakii Pi’kániikoan']) {
        const text = pdfText(await render(layout, { recipientName: name }));
        expect(text).toContain(name);
      }
    },
  );

  it.each(LAYOUTS)('%s: a very long name shrinks and wraps inside the frame, never off the page', async (layout) => {
    const name =
      'Maria-Josefina Evangelina Wolf-Robe Kicking-Woman Running-Deer Spotted-Bear Two-Feathers Whitehorse-Littlelight';
    const pdf = await render(layout, { recipientName: name });
    const { page, words } = pdfWords(pdf);
    expect(page).toEqual({ width: 792, height: 612 });
    // Every character of the name is there, in order (a line may break at a hyphen).
    expect(words.map((w) => w.word).join('')).toContain(name.replace(/ /g, ''));
    const nameWords = words.filter(
      (w) => name.includes(w.word) && w.word.length > 3 && !FIELDS.credentialName.includes(w.word),
    );
    for (const w of words) {
      expect(w.xMin).toBeGreaterThanOrEqual(30);
      expect(w.xMax).toBeLessThanOrEqual(762);
      expect(w.yMin).toBeGreaterThanOrEqual(30);
      expect(w.yMax).toBeLessThanOrEqual(582);
    }
    // Wrapped onto more than one line, none overlapping what follows ("is certified in" / "has completed" …).
    const lines = new Set(nameWords.map((w) => Math.round(w.yMin)));
    expect(lines.size).toBeGreaterThan(1);
  });

  it('makes the same bytes from the same input (so an issued file can be checked against its recorded hash)', async () => {
    expect((await render('default')).equals(await render('default'))).toBe(true);
  });

  it('refuses a layout without a QR code or the code, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layouts-'));
    cpSync(join(ROOT_DIR, 'templates', 'certificates'), dir, { recursive: true });
    const broken = JSON.parse(readFileSync(join(dir, 'default.json'), 'utf8'));
    broken.elements = broken.elements.filter((e: { type: string }) => e.type !== 'qr');
    writeFileSync(join(dir, 'default.json'), JSON.stringify(broken));
    expect(() => new CertificateTemplates(dir)).toThrow(/default\.json: must have exactly one QR code/);
  });
});
