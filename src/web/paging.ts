// Long lists (the inbox, the threads) are shown a page at a time, `?page=N`, with the total and links
// to the pages either side. A page past the end shows the last one (after answering the last item
// there, say); anything that is not a page number shows the first.

export const PAGE_SIZE = 25;

export interface Page {
  /** 1-based. */
  page: number;
  pages: number;
  total: number;
  /** The slice of the whole list this page shows. */
  start: number;
  end: number;
}

/** The page numbered by `requested` (as typed in the address) of a list of `total` entries. */
export function pageOf(requested: string | number | undefined, total: number, size = PAGE_SIZE): Page {
  const pages = Math.max(1, Math.ceil(total / size));
  const asked = typeof requested === "number" ? requested : /^\d{1,9}$/.test(requested ?? "") ? Number(requested) : 1;
  const page = Math.min(Math.max(1, asked), pages);
  const start = (page - 1) * size;
  return { page, pages, total, start, end: Math.min(total, start + size) };
}

/** The page of the entry at `index` in the list. */
export const pageAt = (index: number, size = PAGE_SIZE): number => Math.floor(index / size) + 1;

/** The address of page `page` of the list at `path` (the first page is the bare path). */
export const pageLink = (path: string, page: number): string => (page <= 1 ? path : `${path}?page=${page}`);

/** What a template shows of a page: the counts and the links either side. */
export function pagingView(path: string, { page, pages, total, start, end }: Page) {
  return {
    page,
    pages,
    total,
    from: total === 0 ? 0 : start + 1,
    to: end,
    several: pages > 1,
    ...(page > 1 ? { previous: pageLink(path, page - 1) } : {}),
    ...(page < pages ? { next: pageLink(path, page + 1) } : {}),
  };
}
