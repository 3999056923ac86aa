import type { CliIo } from '../io.ts';
import { parseCommandArgs, usageError } from '../command-args.ts';
import { loadCliConfig } from '../config-source.ts';
import { InvalidConfigError } from '../../lib/config/validate.ts';
import { RULE_CONTRACTS } from '../../lib/config/rule-contracts.ts';
import { LINT_DEFAULT_SEVERITY } from '../../lib/config/lint-settings.ts';
import { RULE_IDS, type Config } from '../../lib/config/schema.ts';
import { RULES } from '../../lib/families/judging.ts';
import { configuredAction } from '../../lib/rules/judge.ts';
import { exemptionEndsAt } from '../../lib/rules/exemptions.ts';

const HELP = `sesguard config validate [FILE]

Validates a config (default: ./sesguard.config.yml, else the built-in defaults) as the guard does at
build and cold start, and prints the effective settings: every field as it will be used, and for each
rule whether it is on, its severity and action (an override is marked *), and the actions it may take.
An unknown field, rule id or action is an error naming the nearest valid one.

Exit: 0 valid; 2 invalid or bad usage.
`;

const list = (values: readonly string[]): string => (values.length === 0 ? '(none)' : values.join(', '));

function lintSummary(config: Config): string {
  if (!config.lint.enabled) return 'off (check reports no LINT-* findings)';
  const overrides = (Object.entries(config.lint.codes) as Array<[keyof typeof LINT_DEFAULT_SEVERITY, { enabled?: boolean; severity?: string } | undefined]>).map(([code, setting]) =>
    setting?.enabled === false ? `${code} off` : `${code} ${setting?.severity ?? LINT_DEFAULT_SEVERITY[code]}*`,
  );
  return `on, ${Object.keys(LINT_DEFAULT_SEVERITY).length} codes at their default severity${overrides.length > 0 ? ` except ${overrides.join(', ')}` : ''}`;
}

/** The settings a config resolves to, as a person checks them before deploying it. */
export function formatEffectiveConfig(config: Config, source: string, now: Date = new Date()): string {
  const out: string[] = [`config: ${source}: valid`, ''];
  const fields: Array<[string, string]> = [
    ['mode', config.mode],
    ['trustedAccounts', config.trustedAccounts.length === 0 ? '(none: only the account the guard runs in)' : list(config.trustedAccounts)],
    ['trustedOrgIds', list(config.trustedOrgIds)],
    ['trustedDomains', config.trustedDomains.length === 0 ? '(none: SES-CVE-002 cannot judge templates and says so)' : list(config.trustedDomains)],
    ['adminPrincipals', list(config.adminPrincipals)],
    ['quarantinePolicyName', config.quarantinePolicyName],
    ['eventDestinationRemoval', config.eventDestinationRemoval],
    ['alerts.notifyCompliant', String(config.alerts.notifyCompliant)],
    ['lint', lintSummary(config)],
  ];
  const width = Math.max(...fields.map(([name]) => name.length)) + 1;
  for (const [name, value] of fields) out.push(`${`${name}:`.padEnd(width)} ${value}`);
  out.push('');
  const rows = [...RULES].sort((a, b) => RULE_IDS.indexOf(a.id) - RULE_IDS.indexOf(b.id)).map((rule) => {
    const override = config.rules[rule.id];
    const enabled = override?.enabled !== false;
    const contract = RULE_CONTRACTS[rule.id];
    const severity = `${override?.severity ?? rule.defaultSeverity}${override?.severity !== undefined ? '*' : ''}`;
    const action = `${configuredAction(rule, config)}${override?.action !== undefined ? '*' : ''}`;
    return [rule.id, enabled ? 'yes' : 'NO*', severity, action, contract.locked ? `${list(contract.actions)} (cannot be disabled, exempted or downgraded)` : list(contract.actions)];
  });
  const header = ['rule', 'enabled', 'severity', 'action', 'may take'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ');
  out.push(line(header), ...rows.map(line), '');
  if (config.exemptions.length === 0) out.push('exemptions: (none)');
  else {
    out.push('exemptions:');
    for (const e of config.exemptions) {
      const expired = exemptionEndsAt(e.expires) <= now ? ' (EXPIRED: no longer applies)' : '';
      out.push(`  ${e.resource}: ${e.rules.join(', ')} until ${e.expires}${expired}: ${e.reason}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** Validates and prints; the exit code. Shared by `config validate` and `check --config FILE` with no inputs. */
export async function validateConfigCommand(command: string, path: string | undefined, io: CliIo): Promise<number> {
  try {
    const { config, source } = await loadCliConfig(path);
    io.stdout.write(formatEffectiveConfig(config, source));
    return 0;
  } catch (error) {
    if (error instanceof InvalidConfigError) return usageError(command, io, error.message);
    throw error;
  }
}

export async function runConfig(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('config', HELP, io, { args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h', default: false } } } as const);
  if (typeof parsed === 'number') return parsed;
  const [sub, file, ...extra] = parsed.positionals;
  if (sub !== 'validate') return usageError('config', io, `${sub === undefined ? 'name a subcommand' : `unknown subcommand "${sub}"`}: sesguard config validate [FILE]`);
  if (extra.length > 0) return usageError('config', io, `config validate takes one file, not ${parsed.positionals.length - 1}`);
  return validateConfigCommand('config validate', file, io);
}
