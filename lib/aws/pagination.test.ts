import { describe, expect, it } from 'vitest';
import { collectPages, PaginationLoopError, type MarkerPage } from './pagination.ts';
import { createLimiter } from './limiter.ts';

describe('collectPages (IAM Marker/IsTruncated)', () => {
  const pagesOf = (pages: Array<MarkerPage & { items: number[] }>) => {
    const asked: Array<string | undefined> = [];
    const fetch = async (marker?: string) => {
      asked.push(marker);
      const index = marker === undefined ? 0 : Number(marker);
      const page = pages[index];
      if (!page) throw new Error(`no page ${index}`);
      return page;
    };
    return { fetch, asked };
  };

  it.each([
    { name: 'a single untruncated page: one call', pages: [{ items: [1], IsTruncated: false }], asked: [undefined], items: [1] },
    {
      name: 'truncated pages: each next call sends the marker of the previous page',
      pages: [{ items: [1], IsTruncated: true, Marker: '1' }, { items: [2], IsTruncated: true, Marker: '2' }, { items: [3] }],
      asked: [undefined, '1', '2'],
      items: [1, 2, 3],
    },
    { name: 'IsTruncated without a Marker stops (nothing to ask for)', pages: [{ items: [1], IsTruncated: true }], asked: [undefined], items: [1] },
    { name: 'a Marker without IsTruncated stops (IAM sets both)', pages: [{ items: [1], Marker: '1' }], asked: [undefined], items: [1] },
  ])('$name', async ({ pages, asked, items }) => {
    const source = pagesOf(pages);
    const result = await collectPages(source.fetch);
    expect(source.asked).toEqual(asked);
    expect(result.flatMap((p) => p.items)).toEqual(items);
  });

  it('a marker IAM returns twice is reported, not followed forever', async () => {
    const fetch = async () => ({ IsTruncated: true, Marker: 'same' });
    await expect(collectPages(fetch)).rejects.toBeInstanceOf(PaginationLoopError);
  });
});

describe('createLimiter', () => {
  it('never runs more than the bound at once, and runs every task', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const task = (value: number) =>
      limit(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
        return value;
      });
    expect(await Promise.all([1, 2, 3, 4, 5, 6, 7].map(task))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(2);
  });

  it('frees the slot of a task that fails', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    expect(await limit(async () => 'next')).toBe('next');
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
