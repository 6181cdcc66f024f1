import ExcelJS from 'exceljs';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { readZipEntries, writeZip } from '../../../test/helpers/zip-files';
import { readImportFile } from './import-file';
import { ImportFileError, type ImportRow, type ImportTable } from './import-table';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'import-file-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string | Buffer, name = 'people.csv'): string {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function all(table: ImportTable): Promise<ImportRow[]> {
  const rows: ImportRow[] = [];
  for await (const row of table.rows) rows.push(row);
  return rows;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportFileError);
  return (error as Error).message;
}

const readCsv = (content: string | Buffer, limits = {}) =>
  readImportFile(file(content), { fileName: 'people.csv', limits });

describe('readImportFile: CSV', () => {
  it('strips a UTF-8 BOM, reads CRLF lines and trims only the header', async () => {
    const table = await readCsv('\uFEFF Name , Email\r\nAda,  ada@example.org \r\nGrace,grace@example.org\r\n');
    expect(table).toMatchObject({ format: 'csv', encoding: 'utf-8-bom', delimiter: ',', headerLine: 1 });
    expect(table.header).toEqual(['Name', 'Email']);
    expect(await all(table)).toEqual([
      { line: 2, cells: ['Ada', '  ada@example.org '] },
      { line: 3, cells: ['Grace', 'grace@example.org'] },
    ]);
  });

  it('detects semicolons even when values hold commas, and tabs', async () => {
    const semi = await readCsv('name;notes;hours\n"Doe, Jane";a, b, c;4,5\nBo;x;1\n');
    expect(semi).toMatchObject({ delimiter: ';', encoding: 'utf-8' });
    expect((await all(semi))[0].cells).toEqual(['Doe, Jane', 'a, b, c', '4,5']);

    const tabs = await readCsv('name\temail\tnote\nAda\tada@example.org\tone, two\n');
    expect(tabs.delimiter).toBe('\t');
    expect((await all(tabs))[0].cells).toEqual(['Ada', 'ada@example.org', 'one, two']);
  });

  it('reads quoted delimiters, quotes and line breaks, numbering each record by the line it starts on', async () => {
    const csv = [
      'name,address,note',
      '"Doe, Jane","12 Main St',
      'Apt 4',
      'Helena, MT",plain',
      '',
      '  ,  ,',
      'Bo,"say ""hi""",5" pipe',
      'Cy,x,"last',
      'line"',
    ].join('\r\n');
    const rows = await all(await readCsv(csv));
    expect(rows).toEqual([
      { line: 2, cells: ['Doe, Jane', '12 Main St\r\nApt 4\r\nHelena, MT', 'plain'] },
      { line: 7, cells: ['Bo', 'say "hi"', '5" pipe'] },
      { line: 8, cells: ['Cy', 'x', 'last\r\nline'] },
    ]);
  });

  it('refuses an empty file, one of blank lines only, and a header with nothing under it', async () => {
    expect(await refusal(readCsv(''))).toBe('This file is empty.');
    expect(await refusal(readCsv('\r\n\r\n  \r\n'))).toBe('This file is empty.');
    expect(await refusal(readCsv('name,email\r\n,\r\n\r\n'))).toBe(
      'This file has a header row but no records under it.',
    );
  });

  it('refuses binary files named .csv: an image, a workbook, NUL bytes', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    expect(await refusal(readCsv(png))).toMatch(/^This looks like a binary file \(a PNG image\), not a CSV: save/);
    const workbook = await writeWorkbook('wb.xlsx', [{ name: 'People', rows: [['name'], ['Ada']] }]);
    const renamed = readImportFile(workbook, { fileName: 'people.csv' });
    expect(await refusal(renamed)).toMatch(/^This looks like a binary file \(a ZIP archive.*\), not a CSV/);
    expect(await refusal(readCsv(Buffer.from('name,email\nAda\0\0\0,x\n')))).toBe(
      'This looks like a binary file, not a CSV: save the spreadsheet as CSV (UTF-8) or upload the .xlsx itself.',
    );
    expect(await refusal(readCsv(Buffer.from('%PDF-1.7\n...')))).toMatch(/a PDF document/);
  });

  it('names the line that is not UTF-8, at the start and deep in the file', async () => {
    const latin1 = Buffer.from('name,city\nAda,London\nRené,Besançon\n', 'latin1');
    expect(await refusal(readCsv(latin1))).toBe(
      'Line 3 is not UTF-8 text: save the spreadsheet as "CSV UTF-8" or upload the .xlsx itself.',
    );
    const lines = ['name,city'];
    for (let i = 0; i < 5000; i++) lines.push(`Person ${i},Somewhere ${i}`);
    const deep = Buffer.concat([
      Buffer.from(lines.join('\n') + '\n'),
      Buffer.from('Ren\xe9,Paris\nLast,One\n', 'latin1'),
    ]);
    const table = await readCsv(deep);
    expect(await refusal(all(table))).toBe(
      `Line 5002 is not UTF-8 text: save the spreadsheet as "CSV UTF-8" or upload the .xlsx itself.`,
    );
  });

  it('keeps NUL and control characters past the first kilobyte for the row checks to report', async () => {
    const table = await readCsv(`name,note\n${'a,b\n'.repeat(400)}Ada,x\0y\u0007z\n`);
    const rows = await all(table);
    expect(rows[400]).toEqual({ line: 402, cells: ['Ada', 'x\0y\u0007z'] });
  });

  it('refuses a file over the size limit before reading it', async () => {
    expect(await refusal(readCsv('name\n' + 'Ada\n'.repeat(300), { maxBytes: 1024 }))).toBe(
      'The file is larger than the 1 KB limit.',
    );
    expect(await refusal(readCsv('name\nAda\n', { maxBytes: 5 }))).toBe('The file is larger than the 5 bytes limit.');
  });

  it('stops at the row limit with the limit in the message, and reads exactly the limit', async () => {
    const csv = 'name\n' + ['A', 'B', '', 'C'].join('\n') + '\n';
    expect(await all(await readCsv(csv, { maxRows: 3 }))).toHaveLength(3);
    const over = await readCsv(csv + 'D\n', { maxRows: 3 });
    expect(await refusal(all(over))).toBe(
      'The file has more than 3 records; at most 3 are read in one import: split it into smaller files.',
    );
  });

  it('refuses a record with too many columns or a cell too long, naming the line', async () => {
    const wide = ['a,b', '1,2', '3,4', '5,6', '7,8', '', Array(103).fill('x').join(','), '9,10'].join('\n');
    expect(await refusal(all(await readCsv(wide)))).toBe('Line 7 has 103 columns; at most 100 are read.');
    expect(await refusal(readCsv(Array(101).fill('h').join(',') + '\n1\n'))).toBe(
      'Line 1 has 101 columns; at most 100 are read.',
    );
    const long = readCsv(`name,note\nAda,${'z'.repeat(60)}\n`, { maxCellChars: 50 });
    expect(await refusal(long)).toBe('Line 2, column 2 holds 60 characters; a cell may hold at most 50.');
  });

  it('says where a quote is never closed', async () => {
    const table = await readCsv('name,note\nAda,ok\nBo,"never closed\nCy,x\n');
    expect(await refusal(all(table))).toBe(
      'The quoted field that starts on line 3 is never closed: a closing quote (") is missing.',
    );
  });

  it('reads the rows afresh each time they are iterated', async () => {
    const table = await readCsv('name\nAda\nBo\n');
    expect(await all(table)).toEqual(await all(table));
    expect(await all(table)).toHaveLength(2);
  });
});

interface SheetSpec {
  name: string;
  rows: ExcelJS.CellValue[][];
  state?: 'hidden' | 'visible';
  /** Row numbers to leave empty before the rows start. */
  skip?: number;
}

async function writeWorkbook(name: string, sheets: SheetSpec[]): Promise<string> {
  const path = join(dir, `${n++}-${name}`);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: true });
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name, { state: spec.state ?? 'visible' });
    for (let i = 0; i < (spec.skip ?? 0); i++) sheet.addRow([]).commit();
    for (const values of spec.rows) {
      const row = sheet.addRow(values);
      row.eachCell((cell) => {
        const value = cell.value as { result?: unknown } | null;
        if (value instanceof Date || value?.result instanceof Date) cell.numFmt = 'yyyy-mm-dd';
      });
      row.commit();
    }
    sheet.commit();
  }
  await workbook.commit();
  return path;
}

describe('readImportFile: XLSX', () => {
  const twoSheets = () =>
    writeWorkbook('two.xlsx', [
      { name: 'Notes', rows: [['ignore me'], ['x']], state: 'hidden' },
      {
        name: 'People',
        rows: [
          ['Name', 'Email'],
          ['Ada', 'ada@example.org'],
        ],
      },
      { name: 'Q&A <2>', rows: [['Course'], ['CBHPSS 40-hour']] },
    ]);

  it('reads the first visible sheet, or the one named, and lists them all', async () => {
    const path = await twoSheets();
    const first = await readImportFile(path, { fileName: 'export.xlsx' });
    expect(first).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null, sheet: 'People' });
    expect(first.sheets).toEqual(['Notes', 'People', 'Q&A <2>']);
    expect(first.header).toEqual(['Name', 'Email']);
    expect(await all(first)).toEqual([{ line: 2, cells: ['Ada', 'ada@example.org'] }]);

    const named = await readImportFile(path, { fileName: 'export.xlsx', sheet: 'q&a <2>' });
    expect(named.sheet).toBe('Q&A <2>');
    expect(await all(named)).toEqual([{ line: 2, cells: ['CBHPSS 40-hour'] }]);

    expect(await refusal(readImportFile(path, { fileName: 'export.xlsx', sheet: 'Credentials' }))).toBe(
      'The workbook has no sheet called "Credentials"; its sheets are: Notes, People, Q&A <2>.',
    );
  });

  it('reads dates as calendar dates, numbers, booleans, formulas by their cached result, and rich text', async () => {
    const path = await writeWorkbook('types.xlsx', [
      {
        name: 'Credentials',
        skip: 2,
        rows: [
          [' Person ', 'Issued', 'Hours', 'Active', 'Double', 'Label', 'Expires', 'Note'],
          [],
          [
            'Ada',
            new Date(Date.UTC(2024, 1, 29)),
            12.5,
            true,
            { formula: 'C4*2', result: 25 },
            { formula: '"MT-"&A4', result: 'MT-Ada' },
            { formula: 'B4+730', result: new Date(Date.UTC(2026, 1, 28)) },
            { richText: [{ text: 'bold ' }, { text: 'plain' }] },
          ],
          ['Bo', new Date(Date.UTC(1999, 11, 31, 23, 30)), 0, false, { formula: 'C6*2' }, null, null, '=cmd|x'],
        ],
      },
    ]);
    const table = await readImportFile(path, { fileName: 'c.xlsx' });
    expect(table.headerLine).toBe(3);
    expect(table.header[0]).toBe('Person');
    expect(await all(table)).toEqual([
      {
        line: 5,
        cells: ['Ada', { date: '2024-02-29' }, 12.5, true, 25, 'MT-Ada', { date: '2026-02-28' }, 'bold plain'],
      },
      { line: 6, cells: ['Bo', { date: '1999-12-31' }, 0, false, null, null, null, '=cmd|x'] },
    ]);
  });

  it('refuses a 0-byte workbook, a ZIP that is no workbook and text named .xlsx', async () => {
    expect(await refusal(readImportFile(file('', 'empty.xlsx'), { fileName: 'empty.xlsx' }))).toBe(
      'This file is empty.',
    );
    const zip = join(dir, 'other.zip');
    await writeZip(zip, [{ name: 'readme.txt', data: Buffer.from('hello') }]);
    expect(await refusal(readImportFile(zip, { fileName: 'people.xlsx' }))).toMatch(
      /^This is a ZIP archive but not an Excel workbook/,
    );
    expect(await refusal(readImportFile(file('name\nAda\n', 'p.xlsx'), { fileName: 'p.xlsx' }))).toMatch(
      /^This file is named \.xlsx but is not an Excel workbook/,
    );
    expect(await refusal(readImportFile(file('name\nAda\n', 'p.xls'), { fileName: 'p.xls' }))).toMatch(/\.xls/);
  });

  it('refuses a header-only sheet and an empty one', async () => {
    const path = await writeWorkbook('header.xlsx', [
      { name: 'Only header', rows: [['name', 'email'], [], [null, '  ']] },
      { name: 'Nothing', rows: [] },
    ]);
    expect(await refusal(readImportFile(path, { fileName: 'h.xlsx' }))).toBe(
      'The sheet "Only header" has a header row but no records under it.',
    );
    expect(await refusal(readImportFile(path, { fileName: 'h.xlsx', sheet: 'Nothing' }))).toBe(
      'The sheet "Nothing" is empty.',
    );
  });

  it('refuses a zip bomb by what it expands to, before exceljs reads it', async () => {
    const real = await writeWorkbook('real.xlsx', [{ name: 'People', rows: [['name'], ['Ada']] }]);
    const bomb = join(dir, 'bomb.xlsx');
    await writeZip(bomb, [
      ...(await readZipEntries(real)),
      { name: 'xl/media/padding.bin', data: Buffer.alloc(5 << 20) },
    ]);
    await expect(readImportFile(bomb, { fileName: 'bomb.xlsx' })).resolves.toMatchObject({ sheet: 'People' });
    const message = await refusal(
      readImportFile(bomb, { fileName: 'bomb.xlsx', limits: { maxExpandedBytes: 1 << 20 } }),
    );
    expect(message).toMatch(/^The workbook expands to more than 1 MB when unpacked/);
  });

  it('refuses a sheet that inflates past the size it declares', async () => {
    const rows = [['name'], ...Array.from({ length: 2000 }, (_, i) => [`Person ${i}`])];
    const liar = await writeWorkbook('liar.xlsx', [{ name: 'People', rows }]);
    // The central directory entry (PK 01 02) is where yauzl, like most tools, reads an entry's size from.
    const bytes = readFileSync(liar);
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const header = bytes.indexOf(Buffer.from('PK\x01\x02', 'latin1'), bytes.lastIndexOf(name) - 46);
    expect(bytes.subarray(header + 46, header + 46 + name.length).equals(name)).toBe(true);
    expect(bytes.readUInt32LE(header + 24)).toBeGreaterThan(20_000);
    bytes.writeUInt32LE(1000, header + 24);
    writeFileSync(liar, bytes);
    const reading = readImportFile(liar, { fileName: 'liar.xlsx' }).then(all);
    expect(await refusal(reading)).toMatch(/^This workbook is damaged and cannot be read \(.*too many bytes/);
  });

  it('refuses a workbook over the size limit', async () => {
    const real = await writeWorkbook('real.xlsx', [{ name: 'People', rows: [['name'], ['Ada']] }]);
    expect(await refusal(readImportFile(real, { fileName: 'real.xlsx', limits: { maxBytes: 2048 } }))).toBe(
      'The file is larger than the 2 KB limit.',
    );
  });
});

describe('readImportFile: large files', () => {
  const ROWS = 50_000;
  const record = (i: number) => [
    `Renée Núñez-Łukasz ${i} 日本`,
    `person${i}@example.org`,
    'MT-CBHPSS',
    `2024-0${(i % 9) + 1}-15`,
    i % 40,
  ];

  async function measure(table: ImportTable): Promise<{ rows: number; ms: number; rssGrowthMb: number }> {
    const before = process.memoryUsage().rss;
    let peak = before;
    let rows = 0;
    const started = performance.now();
    for await (const row of table.rows) {
      if (row.cells.length !== 5) throw new Error(`row ${row.line} has ${row.cells.length} cells`);
      // Multi-byte characters cut by a chunk boundary must come through whole, not as U+FFFD.
      if (!String(row.cells[0]).startsWith('Renée Núñez-Łukasz ')) throw new Error(`row ${row.line}: ${row.cells[0]}`);
      if (++rows % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    return { rows, ms: Math.round(performance.now() - started), rssGrowthMb: Math.round((peak - before) / 2 ** 20) };
  }

  it('streams a 50,000-row CSV with modest memory', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('name,email,type,issued,hours\r\n');
    for (let i = 0; i < ROWS; i++) out.write(record(i).join(',') + '\r\n');
    out.end();
    await finished(out);
    const started = performance.now();
    const table = await readImportFile(path, { fileName: 'big.csv' });
    const result = await measure(table);
    console.log(`CSV ${ROWS} rows: open+read ${Math.round(performance.now() - started)} ms`, result);
    expect(result.rows).toBe(ROWS);
    expect(result.rssGrowthMb).toBeLessThan(150);
  });

  it('streams a 50,000-row XLSX with modest memory', async () => {
    const path = join(dir, 'big.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: path,
      useStyles: true,
      useSharedStrings: true,
    });
    const sheet = workbook.addWorksheet('Credentials');
    sheet.addRow(['name', 'email', 'type', 'issued', 'hours']).commit();
    for (let i = 0; i < ROWS; i++) sheet.addRow(record(i)).commit();
    sheet.commit();
    await workbook.commit();
    const started = performance.now();
    const table = await readImportFile(path, { fileName: 'big.xlsx' });
    const opened = Math.round(performance.now() - started);
    const result = await measure(table);
    console.log(`XLSX ${ROWS} rows: open (zip check + header) ${opened} ms, then`, result);
    expect(result.rows).toBe(ROWS);
    expect(result.rssGrowthMb).toBeLessThan(150);
  }, 60_000);
});
