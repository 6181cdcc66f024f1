import { Transform } from 'class-transformer';

/** HTML forms send every value as a string; these let one DTO accept both a form and JSON. */

export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** Trims; an empty string becomes null (an optional field left blank). */
export const TrimToNull = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  });

export const ToInt = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    if (trimmed === '') return null;
    return /^-?\d+$/.test(trimmed) ? Number(trimmed) : value;
  });

export const ToNumber = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    if (trimmed === '') return null;
    return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : value;
  });

/** A checkbox: present ("on", "true") is true; JSON booleans pass through. */
export const ToBoolean = () =>
  Transform(({ value, obj, key }) => {
    let raw = (obj as Record<string, unknown>)[key];
    // A form sends a hidden "false" before the checkbox, so an unticked box still says so.
    if (Array.isArray(raw)) raw = raw[raw.length - 1];
    if (typeof raw === 'boolean') return raw;
    if (raw === 'on' || raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0' || raw === '') return false;
    return value;
  });

/** A list from a multi-select / repeated checkbox (string or string[]) or a comma-separated string. */
export const ToList = () =>
  Transform(({ value }) => {
    if (value === undefined || value === null) return value;
    if (Array.isArray(value)) return value;
    if (typeof value === 'string')
      return value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
    return value;
  });
