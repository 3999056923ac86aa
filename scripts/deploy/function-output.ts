/**
 * How every JavaScript file of a function bundle is written, in both passes (bundle.ts splits,
 * scripts/link-chunks.ts links, for the CLI too): ESM for the node20 target, minified and tree-shaken, an
 * external source map beside each file, and a metafile (roles and sizes are read from it).
 */
export const FUNCTION_OUTPUT = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  treeShaking: true,
  sourcemap: true,
  metafile: true,
  legalComments: 'none',
  logLevel: 'silent',
} as const;
