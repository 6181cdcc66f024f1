import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { HelperOptions } from 'handlebars';
import hbs from 'hbs';
import { addDays, formatDate, isIsoDate, localTimeLabel } from '../../common/dates';

/** Registers partials (views/partials/*.hbs) and the few helpers the templates use. */
export function registerViewHelpers(viewsDir: string, timeZone: string): void {
  const partialsDir = join(viewsDir, 'partials');
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
  }
  // Form values arrive as strings and stored values as numbers; compare what the user sees.
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a !== undefined && a !== null && String(a) === String(b));
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper(
    'hasRole',
    (user: { roles?: string[] } | undefined, role: string) => !!user?.roles?.includes(role),
  );
  // A form that sent one checked box sends a string, not a list.
  hbs.registerHelper('includes', (list: unknown, value: unknown) =>
    Array.isArray(list) ? list.includes(value) : list !== undefined && list === value,
  );
  hbs.registerHelper('date', (value: unknown) =>
    typeof value === 'string' && isIsoDate(value)
      ? formatDate(value)
      : value instanceof Date
        ? formatDate(value.toISOString().slice(0, 10))
        : '—',
  );
  /** The calendar day after a date, as the `date` helper writes it: "lapsed from Jan 1, 2027". */
  hbs.registerHelper('dayAfter', (value: unknown) =>
    typeof value === 'string' && isIsoDate(value) ? formatDate(addDays(value, 1)) : '—',
  );
  /** A timestamp as the program reads it: "Nov 27, 2026, 10:04 PM MST". */
  hbs.registerHelper('datetime', (value: unknown) => {
    const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
    if (!d || Number.isNaN(d.getTime())) return '—';
    return d.toLocaleString('en-US', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
  });
  /** A session time on its date: "01:30 MDT" on the night clocks go back and 01:30 happens twice, else "01:30". */
  hbs.registerHelper('sessionTime', (date: unknown, time: unknown) =>
    typeof date === 'string' && typeof time === 'string' ? localTimeLabel(date, time, timeZone) : time,
  );
  /** A code as words: suicide_prevention → suicide prevention. */
  hbs.registerHelper('words', (value: unknown) => (typeof value === 'string' ? value.replace(/_/g, ' ') : value));
  hbs.registerHelper('plural', (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`);
  hbs.registerHelper('join', (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : '',
  );
  /** `{{#field errors "email"}}…{{/field}}`: the block sees `error` (the message) and `invalid`. */
  hbs.registerHelper(
    'field',
    function (this: unknown, errors: Record<string, string> | undefined, name: string, options: HelperOptions) {
      const error = errors?.[name];
      return options.fn({ ...(this as object), error, invalid: error ? 'true' : undefined, errorId: `${name}-error` });
    },
  );
}
