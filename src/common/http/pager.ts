/** The pager under a list: where this page stands and links to the pages either side. */
export interface Pager {
  page: number;
  pages: number;
  prev: string | null;
  next: string | null;
}

/** The pager for one page of a list, or null when the whole list fits on one page. */
export function pagerView(
  list: { page: number; pageSize: number; total: number },
  link: (page: number) => string,
): Pager | null {
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  if (pages <= 1) return null;
  return {
    page: list.page,
    pages,
    prev: list.page > 1 ? link(list.page - 1) : null,
    next: list.page < pages ? link(list.page + 1) : null,
  };
}
