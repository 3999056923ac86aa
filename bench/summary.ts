/** Prints every bench's targets as one table (`npm run bench` runs it last). */
import { summaryTable } from './targets.ts';

console.log(`\n${summaryTable()}`);
