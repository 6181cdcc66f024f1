import type { ReportFiltersDto } from './dto/report-filters.dto';

export const REPORT_KEYS = [
  'training-activity',
  'credential-roster',
  'renewal-readiness',
  'supervision-summary',
  'clearance',
] as const;
export type ReportKey = (typeof REPORT_KEYS)[number];
export type FilterName = Exclude<keyof ReportFiltersDto, never>;

export interface ReportDefinition {
  key: ReportKey;
  title: string;
  description: string;
  filters: FilterName[];
}

export const REPORTS: Record<ReportKey, ReportDefinition> = {
  'training-activity': {
    key: 'training-activity',
    title: 'Training activity',
    description:
      'People trained, hours delivered and completions, by course and setting (clinic, community, jail), for sessions held in the period.',
    filters: ['from', 'to', 'course', 'setting', 'location', 'role', 'supervisor'],
  },
  'credential-roster': {
    key: 'credential-roster',
    title: 'Credential roster',
    description:
      'Every credential with its dates and its status on the as-of date; a period limits it to credentials expiring in that period.',
    filters: ['date', 'from', 'to', 'credentialType', 'role', 'supervisor'],
  },
  'renewal-readiness': {
    key: 'renewal-readiness',
    title: 'Renewal readiness',
    description:
      'Confirmed continuing-education hours against what each upcoming (or in-grace) renewal requires, on the as-of date.',
    filters: ['date', 'credentialType', 'role', 'supervisor'],
  },
  'supervision-summary': {
    key: 'supervision-summary',
    title: 'Supervision log summary',
    description:
      'Supervision sessions and minutes per peer per month in the period. Session content is never included.',
    filters: ['from', 'to', 'supervisor'],
  },
  clearance: {
    key: 'clearance',
    title: 'Clearance on a date',
    description: 'Every active peer × practice role: cleared or not on the as-of date, and until when.',
    filters: ['date', 'role', 'supervisor'],
  },
};

export interface ReportColumn {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date';
}

export type ReportCell = string | number | null;

export interface ReportTable {
  report: ReportKey;
  title: string;
  description: string;
  /** The filters as applied, defaults filled in. */
  filters: Partial<Record<FilterName, string>>;
  columns: ReportColumn[];
  rows: Array<Record<string, ReportCell>>;
  /** A few totals to read before the rows. */
  summary: Array<{ label: string; value: number }>;
}
