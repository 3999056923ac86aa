import { mkdir, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/load.ts';
import { bundleFunction } from '../../scripts/deploy/bundle.ts';
import type { DeployedFunction } from '../../scripts/deploy/functions.ts';

const DIR = '.build/test-bundle';

afterAll(async () => {
  await rm(DIR, { recursive: true, force: true });
});

describe('bundleFunction', () => {
  it('bundles an ESM handler with the config baked in and zod reporting in English without its other locales', async () => {
    await mkdir(DIR, { recursive: true });
    const entry = `${DIR}/entry.ts`;
    await writeFile(
      entry,
      `import * as z from '../../lib/zod.ts';
       declare const __SESGUARD_CONFIG__: unknown;
       export const config = __SESGUARD_CONFIG__;
       export const handler = (value: unknown) => z.object({ n: z.string() }).safeParse(value).error?.issues[0]?.message;`,
    );
    const fn: DeployedFunction = { kind: 'notifier', name: 'slack-notifier', entry };
    const config = parseConfig({ mode: 'enforce', quarantinePolicyName: 'q-policy' });
    const result = await bundleFunction(fn, config, `${DIR}/out`);

    const locales = Object.keys(result.metafile.inputs).filter((i) => /zod\/v4\/locales\/(?!en\.js)/.test(i) && !i.startsWith('zod-english-only:'));
    expect(locales).toEqual([]);
    expect(result.bytes).toBeLessThan(200 * 1024);

    const module = (await import(pathToFileURL(resolve(result.outfile)).href)) as { handler: (v: unknown) => string; config: { mode: string; quarantinePolicyName: string } };
    expect(module.handler({ n: 1 })).toBe('Invalid input: expected string, received number');
    expect(module.config).toMatchObject({ mode: 'enforce', quarantinePolicyName: 'q-policy' });
  });
});
