import { pagerView } from './pager';

describe('pagerView', () => {
  const link = (page: number) => `/things?page=${page}`;

  it('is null when the list fits on one page (or is empty)', () => {
    expect(pagerView({ page: 1, pageSize: 50, total: 50 }, link)).toBeNull();
    expect(pagerView({ page: 1, pageSize: 50, total: 0 }, link)).toBeNull();
  });

  it('links to the pages either side, and not past either end', () => {
    expect(pagerView({ page: 1, pageSize: 50, total: 120 }, link)).toEqual({
      page: 1,
      pages: 3,
      prev: null,
      next: '/things?page=2',
    });
    expect(pagerView({ page: 2, pageSize: 50, total: 120 }, link)).toEqual({
      page: 2,
      pages: 3,
      prev: '/things?page=1',
      next: '/things?page=3',
    });
    expect(pagerView({ page: 3, pageSize: 50, total: 120 }, link)).toMatchObject({
      prev: '/things?page=2',
      next: null,
    });
  });
});
