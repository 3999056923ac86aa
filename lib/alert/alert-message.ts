import { createHash } from 'node:crypto';
import type { Change } from '../cloudtrail/types.ts';
import type { Decision } from '../guard/decision.ts';
import { isGuardIntegrityChange } from '../families/guard-integrity/types.ts';
import { ALERT_SCHEMA_VERSION, AlertMessageSchema, type AlertActor, type AlertMessage, type AlertOutcome, type AlertStep } from './alert-schema.ts';
import { classifyDecision } from './classify.ts';
import { cloudTrailEventLink, guardResourceLink, resourceLink } from './console-links.ts';
import { diffDocuments } from './statement-diff.ts';

/** Where the guard runs; used when the decision has no parsed change to say it (invalid events, errors). */
export interface AlertContext {
  accountId?: string;
  region?: string;
}

/**
 * Identity and IAM policy documents are small (SES: 4 KB, IAM managed: 6,144 chars) but a verification
 * template can be large; each raw document is capped so the whole message stays far below SNS's 256 KiB.
 */
export const MAX_DOCUMENT_CHARS = 20_000;

export function buildAlert(decision: Decision, ctx: AlertContext = {}): AlertMessage {
  const { outcome, severity } = classifyDecision(decision);
  const change = decision.change;
  const account = change?.accountId ?? ctx.accountId ?? null;
  const region = change?.region ?? ctx.region ?? null;
  const rules = [...new Set(decision.findings.map((f) => f.ruleId))];
  const before = decision.before ?? null;
  const after = decision.after === undefined ? before : decision.after;
  const cut = (doc: string | null): string | null => (doc !== null && doc.length > MAX_DOCUMENT_CHARS ? doc.slice(0, MAX_DOCUMENT_CHARS) : doc);

  const alert: AlertMessage = {
    schemaVersion: ALERT_SCHEMA_VERSION,
    alertId: alertIdOf(decision, outcome),
    severity,
    outcome,
    verdict: decision.verdict,
    title: titleOf(decision, outcome, rules),
    summary: summaryOf(decision, outcome),
    dryRun: decision.dryRun,
    account,
    region,
    resource: { arn: decision.resource ?? null, family: change?.family ?? null },
    actor: change ? actorOf(change) : null,
    event: {
      id: decision.eventId ?? change?.eventId ?? decision.skip?.eventId ?? null,
      name: decision.eventName ?? change?.eventName ?? decision.skip?.eventName ?? null,
      source: change?.eventSource ?? null,
      time: decision.timings.eventTime ?? change?.eventTime ?? null,
    },
    rules,
    findings: decision.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      action: f.action,
      resource: f.resource,
      statement: f.statement ? { index: f.statement.index, sid: f.statement.sid ?? null } : null,
      reason: f.reason,
      exemption: f.exemption ? { reason: f.exemption.reason, expires: f.exemption.expires } : null,
    })),
    remediation: remediationOf(decision),
    document: {
      before: cut(before),
      after: cut(after),
      diff: diffDocuments(before, after),
      truncated: cut(before) !== before || cut(after) !== after,
    },
    skip: decision.skip ? { reason: decision.skip.reason, detail: decision.skip.detail } : null,
    errors: [...decision.errors],
    timings: {
      eventTime: decision.timings.eventTime ?? null,
      decidedAt: decision.timings.decidedAt,
      eventToDecisionMs: decision.timings.eventToDecisionMs ?? null,
      readStateMs: decision.timings.readStateMs ?? null,
      executeMs: decision.timings.executeMs ?? null,
    },
    links: {
      resource: linkForResource(decision),
      event: cloudTrailEventLink(decision.eventId ?? change?.eventId, region ?? undefined, change?.eventSource),
    },
  };
  // Our own output must satisfy our own contract; a failure here is a bug, and loud beats a bad message.
  return AlertMessageSchema.parse(alert);
}

function linkForResource(decision: Decision): string | null {
  const change = decision.change;
  if (change && isGuardIntegrityChange(change)) {
    return resourceLink(change.resourceName) ?? guardResourceLink(change.resourceType, change.resourceName, change.region);
  }
  return resourceLink(decision.resource);
}

/** Same decision (same event, same decision time), same id: consumers can drop retried duplicates. */
function alertIdOf(decision: Decision, outcome: AlertOutcome): string {
  const key = JSON.stringify([decision.eventId ?? null, decision.resource ?? null, outcome, decision.timings.decidedAt]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function actorOf(change: Change): AlertActor {
  const a = change.actor;
  return {
    arn: a.arn ?? null,
    type: a.type,
    accountId: a.accountId ?? null,
    principalId: a.principalId ?? null,
    sessionIssuerArn: a.sessionIssuerArn ?? null,
    sessionCreatedAt: a.sessionCreatedAt ?? null,
    invokedBy: a.invokedBy ?? null,
    sourceIp: a.sourceIp ?? null,
    userAgent: a.userAgent ?? null,
  };
}

function remediationOf(decision: Decision): AlertMessage['remediation'] {
  const plan = decision.plan;
  if (!plan) return null;
  const results = new Map(decision.results.map((r) => [r.stepId, r]));
  const steps: AlertStep[] = plan.steps.map((step) => {
    const result = results.get(step.id);
    return {
      id: step.id,
      action: step.action.type,
      target: step.target,
      ruleIds: [...step.ruleIds],
      reason: step.reason,
      outcome: result?.outcome ?? 'not-run',
      detail: result?.detail ?? null,
      at: result?.at ?? null,
    };
  });
  // A result for a step the plan does not list still happened to AWS: never drop it from the record.
  for (const r of decision.results) {
    if (plan.steps.some((s) => s.id === r.stepId)) continue;
    steps.push({ id: r.stepId, action: r.action, target: '(not in plan)', ruleIds: [], reason: '', outcome: r.outcome, detail: r.detail ?? null, at: r.at });
  }
  return {
    strategy: plan.strategy,
    explanation: plan.explanation,
    steps,
    notRepaired: plan.notRepaired.map((n) => ({ ruleId: n.ruleId, reason: n.reason })),
  };
}

function shortResource(decision: Decision): string {
  const r = decision.resource;
  if (!r) return decision.eventName ?? 'unknown resource';
  // arn:aws:ses:eu-west-1:111122223333:identity/example.com -> identity/example.com
  const parts = r.split(':');
  return parts.length >= 6 ? parts.slice(5).join(':') : r;
}

function titleOf(decision: Decision, outcome: AlertOutcome, rules: string[]): string {
  const on = shortResource(decision);
  const ruleText = rules.length > 0 ? `${rules.join(', ')} ` : '';
  switch (outcome) {
    case 'repaired':
      return `Repaired ${ruleText}on ${on}`;
    case 'would-repair':
      return `Would repair (dry-run) ${ruleText}on ${on}`;
    case 'repair-failed':
      return `REPAIR FAILED ${ruleText}on ${on}`;
    case 'alert-only':
      return `Noncompliant, not repaired: ${ruleText}on ${on}`;
    case 'exempt':
      return `Exempt ${ruleText}on ${on}`;
    case 'compliant':
      return `Compliant ${decision.eventName ?? 'change'} on ${on}`;
    case 'invalid-event':
      return `Invalid event ${decision.eventName ?? decision.skip?.eventName ?? ''}`.trim();
    case 'guard-error':
      return `Guard failed on ${decision.eventName ?? 'an event'}${decision.resource ? ` for ${on}` : ''}`;
    case 'guard-integrity': {
      const change = decision.change;
      return change && isGuardIntegrityChange(change) ? `GUARD TAMPERING: ${change.eventName} on ${change.resourceName}` : `GUARD TAMPERING ${ruleText}on ${on}`;
    }
    case 'ignored':
      return `Ignored ${decision.eventName ?? 'event'} (${decision.skip?.reason ?? 'not judged'})`;
  }
}

function summaryOf(decision: Decision, outcome: AlertOutcome): string {
  const actor = decision.change?.actor.arn ?? decision.change?.actor.invokedBy ?? 'an unknown principal';
  const event = decision.eventName ?? 'a change';
  const stepCount = decision.plan?.steps.length ?? 0;
  const done = decision.results.filter((r) => r.outcome === 'done').length;
  switch (outcome) {
    case 'repaired':
      return `${event} by ${actor} widened the SES perimeter; the guard repaired it (${done} of ${stepCount} step(s) done).`;
    case 'would-repair':
      return `${event} by ${actor} widened the SES perimeter. Dry-run: nothing was changed; enforcement would take ${stepCount} step(s).`;
    case 'repair-failed':
      return `${event} by ${actor} widened the SES perimeter and the repair did NOT complete: the resource may still be open. Fix it by hand.`;
    case 'alert-only': {
      // Planned steps that were all skipped (the re-read found the resource compliant again, or changed
      // again): saying "the configured action is alert-only" would send a person to fix a rule that is fine.
      const skipped = decision.results.filter((r) => r.outcome === 'skipped');
      if (stepCount > 0 && skipped.length > 0 && skipped.length === decision.results.length) {
        return `${event} by ${actor} was noncompliant; the planned repair was not sent: ${skipped[0]?.detail ?? 'every step was skipped'}.`;
      }
      return `${event} by ${actor} is noncompliant; the configured action is alert-only, so nothing was changed.`;
    }
    case 'exempt':
      return `${event} by ${actor} is noncompliant but covered by an exemption; nothing was changed.`;
    case 'compliant':
      return decision.errors.length > 0
        ? `${event} by ${actor} is compliant, but the guard hit an error recording it (see errors).`
        : `${event} by ${actor} was judged compliant.`;
    case 'invalid-event':
      return `The guard could not judge ${event}: ${decision.skip?.detail ?? decision.errors[0] ?? 'the event or document did not parse'}. Someone must look.`;
    case 'guard-error':
      return `The guard failed while handling ${event}; the event is retried and kept in the dead-letter queue if it keeps failing. ${decision.errors[0] ?? ''}`.trim();
    case 'guard-integrity': {
      const change = decision.change;
      const effect = change && isGuardIntegrityChange(change) ? change.effect : 'changed a guard resource';
      return `${actor} ${effect}. Treat this as a possible attempt to blind the guard.`;
    }
    case 'ignored':
      return `${event} was not judged: ${decision.skip?.detail ?? 'not a change the guard judges'}.`;
  }
}
