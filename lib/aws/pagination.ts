/**
 * IAM list calls page with Marker/IsTruncated: a truncated page carries the Marker to send next.
 * "Make the call again using the returned marker value until IsTruncated is false."
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html
 */
export interface MarkerPage {
  IsTruncated?: boolean;
  Marker?: string;
}

export class PaginationLoopError extends Error {
  override readonly name = 'PaginationLoopError';
}

/** Every page, in order. A marker that repeats would loop forever and is reported instead. */
export async function collectPages<P extends MarkerPage>(fetchPage: (marker?: string) => Promise<P>): Promise<P[]> {
  const pages: P[] = [];
  const seen = new Set<string>();
  let marker: string | undefined;
  for (;;) {
    const page = await fetchPage(marker);
    pages.push(page);
    if (page.IsTruncated !== true || page.Marker === undefined || page.Marker === '') return pages;
    if (seen.has(page.Marker)) throw new PaginationLoopError(`IAM returned the marker ${page.Marker} twice`);
    seen.add(page.Marker);
    marker = page.Marker;
  }
}
