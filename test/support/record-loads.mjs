// `node --import ./test/support/record-loads.mjs ...`: appends the URL of every module the process imports to
// the file named by SESGUARD_LOAD_LOG (test/cli/offline-sdk.test.ts reads it to see which chunks a command loaded).
import { register } from 'node:module';

register('./record-loads-hooks.mjs', import.meta.url);
