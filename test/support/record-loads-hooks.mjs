// Module hooks for record-loads.mjs: run in the loader thread, which shares the process environment.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  const log = process.env['SESGUARD_LOAD_LOG'];
  if (log) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
