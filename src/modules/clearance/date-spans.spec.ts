import { covering, earlier, intersect, later, merge, without } from './date-spans';

describe('date spans', () => {
  it('takes the earlier and the later of two last days, null being no end', () => {
    expect(earlier('2026-01-01', '2026-02-01')).toBe('2026-01-01');
    expect(earlier(null, '2026-02-01')).toBe('2026-02-01');
    expect(earlier('2026-01-01', null)).toBe('2026-01-01');
    expect(earlier(null, null)).toBeNull();
    expect(later('2026-01-01', '2026-02-01')).toBe('2026-02-01');
    expect(later(null, '2026-02-01')).toBeNull();
    expect(later('2026-01-01', null)).toBeNull();
  });

  describe('merge', () => {
    it('joins spans that overlap or touch, in date order', () => {
      expect(
        merge([
          { from: '2026-03-01', to: '2026-03-31' },
          { from: '2026-01-01', to: '2026-01-31' },
          { from: '2026-02-01', to: '2026-02-10' },
        ]),
      ).toEqual([
        { from: '2026-01-01', to: '2026-02-10' },
        { from: '2026-03-01', to: '2026-03-31' },
      ]);
    });

    it('keeps a gap of one day as a gap', () => {
      expect(
        merge([
          { from: '2026-01-01', to: '2026-01-30' },
          { from: '2026-02-01', to: '2026-02-10' },
        ]),
      ).toHaveLength(2);
    });

    it('lets a span with no end swallow what follows, and keeps the longer end of a contained span', () => {
      expect(
        merge([
          { from: '2026-01-01', to: null },
          { from: '2026-05-01', to: '2026-06-01' },
        ]),
      ).toEqual([{ from: '2026-01-01', to: null }]);
      expect(
        merge([
          { from: '2026-01-01', to: '2026-12-31' },
          { from: '2026-05-01', to: '2026-06-01' },
        ]),
      ).toEqual([{ from: '2026-01-01', to: '2026-12-31' }]);
      expect(
        merge([
          { from: '2026-01-01', to: '2026-06-01' },
          { from: '2026-05-01', to: null },
        ]),
      ).toEqual([{ from: '2026-01-01', to: null }]);
    });

    it('drops empty spans (ending before they start) and leaves its input alone', () => {
      const input = [
        { from: '2026-02-01', to: '2026-01-31' },
        { from: '2026-03-01', to: '2026-03-02' },
        { from: '2026-03-03', to: '2026-03-04' },
      ];
      expect(merge(input)).toEqual([{ from: '2026-03-01', to: '2026-03-04' }]);
      expect(input[1]).toEqual({ from: '2026-03-01', to: '2026-03-02' });
    });
  });

  it('finds the span that holds a date, ends included', () => {
    const spans = [
      { from: '2026-01-01', to: '2026-01-31' },
      { from: '2026-03-01', to: null },
    ];
    expect(covering(spans, '2026-01-01')).toBe(spans[0]);
    expect(covering(spans, '2026-01-31')).toBe(spans[0]);
    expect(covering(spans, '2026-02-01')).toBeUndefined();
    expect(covering(spans, '2030-01-01')).toBe(spans[1]);
    expect(covering(spans, '2025-12-31')).toBeUndefined();
  });

  it('intersects two spans', () => {
    expect(intersect({ from: '2026-01-01', to: '2026-06-30' }, { from: '2026-03-01', to: null })).toEqual({
      from: '2026-03-01',
      to: '2026-06-30',
    });
    expect(intersect({ from: '2026-01-01', to: null }, { from: '2026-03-01', to: null })).toEqual({
      from: '2026-03-01',
      to: null,
    });
    expect(intersect({ from: '2026-01-01', to: '2026-01-31' }, { from: '2026-01-31', to: null })).toEqual({
      from: '2026-01-31',
      to: '2026-01-31',
    });
    expect(intersect({ from: '2026-01-01', to: '2026-01-31' }, { from: '2026-02-01', to: null })).toBeNull();
  });

  describe('without', () => {
    const year = { from: '2026-01-01', to: '2026-12-31' };
    it('leaves a span whole when nothing is cut out', () => {
      expect(without(year, null, null)).toEqual([year]);
      expect(without(year, undefined, '2026-05-01')).toEqual([year]);
    });
    it('cuts a stretch out of the middle into two pieces', () => {
      expect(without(year, '2026-04-01', '2026-04-30')).toEqual([
        { from: '2026-01-01', to: '2026-03-31' },
        { from: '2026-05-01', to: '2026-12-31' },
      ]);
    });
    it('cuts off the rest when the stretch has no end', () => {
      expect(without(year, '2026-04-01', null)).toEqual([{ from: '2026-01-01', to: '2026-03-31' }]);
    });
    it('leaves one piece when the stretch covers an end, and none when it covers it all', () => {
      expect(without(year, '2025-06-01', '2026-01-31')).toEqual([{ from: '2026-02-01', to: '2026-12-31' }]);
      expect(without(year, '2026-12-01', '2027-03-01')).toEqual([{ from: '2026-01-01', to: '2026-11-30' }]);
      expect(without(year, '2026-01-01', '2026-12-31')).toEqual([]);
      expect(without({ from: '2026-01-01', to: null }, '2026-01-01', null)).toEqual([]);
    });
    it('keeps an open-ended span open after the cut', () => {
      expect(without({ from: '2026-01-01', to: null }, '2026-04-01', '2026-04-30')).toEqual([
        { from: '2026-01-01', to: '2026-03-31' },
        { from: '2026-05-01', to: null },
      ]);
    });
  });
});
