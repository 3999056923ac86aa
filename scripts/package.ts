/**
 * `npm run package -- --stage <stage> [--region <region>] [--param name=value ...]`: build, then
 * `osls package` into .serverless/. osls (the maintained open-source fork of Serverless Framework v3)
 * packages offline with no login and no credentials; Serverless Framework v4 downloads its engine and
 * requires a login at run time. Arguments after the stage are passed to osls unchanged.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildDeployment } from './deploy/build-deployment.ts';
import { oslsEnvironment } from './deploy/osls.ts';

const { values } = parseArgs({
  options: {
    stage: { type: 'string', default: process.env['SESGUARD_STAGE'] ?? 'dev' },
    config: { type: 'string', default: 'sesguard.config.yml' },
    // Every region the guard is deployed in, so the us-east-1 stack knows every region's exact guard roles.
    'guard-regions': { type: 'string', default: process.env['SESGUARD_GUARD_REGIONS'] ?? 'us-east-1' },
    region: { type: 'string' },
    param: { type: 'string', multiple: true },
  },
});

try {
  const built = await buildDeployment({ stage: values.stage, configPath: values.config, guardRegions: values['guard-regions'] });
  console.log(`built ${built.functions.length} functions for stage ${built.stage} into ${built.stageDir}`);
} catch (error) {
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const args = ['package', '--stage', values.stage, ...(values.region ? ['--region', values.region] : []), ...(values.param ?? []).flatMap((p) => ['--param', p])];
const osls = spawnSync(process.execPath, ['node_modules/osls/bin/serverless.js', ...args], { stdio: 'inherit', env: oslsEnvironment(process.env) });
process.exit(osls.status ?? 1);
