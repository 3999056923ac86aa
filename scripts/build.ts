/**
 * `npm run build -- --stage <stage>`: validates sesguard.config.yml, bundles every function and writes the
 * generated deployment inputs under .build/ (see scripts/deploy/build-deployment.ts). Exits non-zero with
 * the reason on a bad config, an unknown SDK command or a stage name that would break GUARD-001.
 */
import { parseArgs } from 'node:util';
import { buildDeployment } from './deploy/build-deployment.ts';

const { values } = parseArgs({
  options: {
    stage: { type: 'string', default: process.env['SESGUARD_STAGE'] ?? 'dev' },
    config: { type: 'string', default: 'sesguard.config.yml' },
    // Every region the guard is deployed in, so the us-east-1 stack knows every region's exact guard roles.
    'guard-regions': { type: 'string', default: process.env['SESGUARD_GUARD_REGIONS'] ?? 'us-east-1' },
  },
});

try {
  const started = performance.now();
  const result = await buildDeployment({ stage: values.stage, configPath: values.config, guardRegions: values['guard-regions'] });
  for (const f of result.functions) {
    const actions = f.statements.flatMap((s) => s.Action);
    console.log(`${f.fn.name.padEnd(20)} ${(f.bundle.bytes / 1024).toFixed(1).padStart(7)} KB  ${f.commands.commands.length} SDK commands -> ${actions.length} actions`);
  }
  console.log(`built stage ${result.stage} into ${result.stageDir} in ${Math.round(performance.now() - started)} ms`);
} catch (error) {
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
