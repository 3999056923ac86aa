/**
 * The one way the code reaches zod: `zod/mini`. Its schemas are plain functions that tree-shake per bundle,
 * where classic zod attaches dozens of method closures to every schema it builds, at module load, on every
 * cold start. zod/mini configures no locale (every built-in issue would read "Invalid input"), so English
 * is set here, once, before any module that builds a schema runs: the messages users see stay classic
 * zod's (`Invalid input: expected string, received number`).
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export * from 'zod/mini';
