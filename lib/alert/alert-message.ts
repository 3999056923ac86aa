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
    notes: [...(decision.notes ?? [])],
    verification: verificationOf(decision),
    race: decision.race ? { kind: decision.race.kind, detail: decision.race.detail } : null,
    retry: decision.retry ?? null,
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

function verificationOf(decision: Decision): AlertMessage['verification'] {
  const v = decision.verification;
  if (!v) return null;
  return {
    status: v.status,
    open: v.status === 'open' ? v.findings.map((f) => ({ ruleId: f.ruleId, statement: f.statement ? { index: f.statement.index, sid: f.statement.sid ?? null } : null, reason: f.reason })) : [],
    why: v.status === 'unverified' ? v.why : null,
  };
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

/** Rule ids of the planned steps whose result matches `which` (in plan order, each once). */
function stepRules(decision: Decision, which: (outcome: string | undefined) => boolean): string[] {
  const results = new Map(decision.results.map((r) => [r.stepId, r.outcome]));
  const ids = (decision.plan?.steps ?? []).filter((s) => which(results.get(s.id))).flatMap((s) => s.ruleIds);
  return [...new Set(ids)];
}

/** "SES-IDP-001 " or "" — a title names only the rules it is about; the others are added as "also". */
function titleRules(ids: readonly string[]): string {
  return ids.length > 0 ? `${ids.join(', ')} ` : '';
}

function alsoReported(all: readonly string[], named: readonly string[]): string {
  const others = all.filter((id) => !named.includes(id));
  return others.length > 0 ? `; not repaired: ${others.join(', ')}` : '';
}

function titleOf(decision: Decision, outcome: AlertOutcome, rules: string[]): string {
  const on = shortResource(decision);
  const ruleText = titleRules(rules);
  switch (outcome) {
    case 'repaired': {
      // Only the rules a done step answered were repaired; an alert-only rule beside them was not.
      const repaired = stepRules(decision, (o) => o === 'done');
      return `Repaired ${titleRules(repaired)}on ${on}${alsoReported(rules, repaired)}`;
    }
    case 'would-repair': {
      const planned = stepRules(decision, () => true);
      return `Would repair (dry-run) ${titleRules(planned)}on ${on}${alsoReported(rules, planned)}`;
    }
    case 'repair-failed': {
      const unrepaired = stepRules(decision, (o) => o !== 'done');
      return `REPAIR FAILED ${titleRules(unrepaired.length > 0 ? unrepaired : rules)}on ${on}`;
    }
    case 'repair-incomplete': {
      const v = decision.verification;
      if (v?.status === 'open') return `REPAIR INCOMPLETE: ${titleRules([...new Set(v.findings.map((f) => f.ruleId))])}still open on ${on}`;
      return `REPAIR NOT CONFIRMED: ${titleRules(stepRules(decision, (o) => o === 'done'))}on ${on} (the state could not be re-read)`;
    }
    case 'raced':
      return `Not repaired, changed meanwhile: ${ruleText}on ${on}`;
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
      return `${event} by ${actor} widened the SES perimeter; the guard repaired it (${done} of ${stepCount} step(s) done) and the state re-read afterwards is compliant.`;
    case 'would-repair':
      return `${event} by ${actor} widened the SES perimeter. Dry-run: nothing was changed; enforcement would take ${stepCount} step(s).`;
    case 'repair-failed': {
      if (decision.retry !== undefined) {
        return `${event} by ${actor} widened the SES perimeter and the repair did NOT complete: ${decision.retry}. The invocation fails so Lambda retries the event with a fresh read; the dead-letter queue keeps it if it keeps failing. Until then the resource may still be open.`;
      }
      const failed = decision.results.find((r) => r.outcome === 'failed');
      const why = failed ? `step ${failed.stepId} (${failed.action}) failed (${failed.detail ?? 'no detail'}), which a retry cannot change` : 'the repair stopped before every step was reported';
      return `${event} by ${actor} widened the SES perimeter and the repair did NOT complete: ${why}. The resource may still be open: fix it by hand.`;
    }
    case 'repair-incomplete': {
      const v = decision.verification;
      if (v?.status === 'open') {
        return `${event} by ${actor} widened the SES perimeter; the guard's repair was sent (${done} of ${stepCount} step(s) done) but the state re-read afterwards is still noncompliant: ${v.findings.map((f) => `${f.ruleId}: ${f.reason}`).join(' ')} Fix it by hand.`;
      }
      const why = v?.status === 'unverified' ? v.why : 'no re-read was reported';
      return `${event} by ${actor} widened the SES perimeter; the guard's repair was sent (${done} of ${stepCount} step(s) done) but could not be confirmed (${why}). Check the resource by hand.`;
    }
    case 'raced': {
      const quarantined = done > 0 ? ` (${done} step(s) on the actor were still done)` : '';
      return decision.race?.kind === 'now-compliant'
        ? `${event} by ${actor} was noncompliant, but the resource changed while the guard was deciding and is now compliant: the repair was not sent${quarantined}.`
        : `${event} by ${actor} was noncompliant, and the resource changed again before the guard could write: it is still noncompliant, and that newer change is judged on its own event, so this repair was not sent (it would overwrite the newer document)${quarantined}.`;
    }
    case 'alert-only':
      return `${event} by ${actor} is noncompliant; the configured action is alert-only, so nothing was changed.`;
    case 'exempt':
      return `${event} by ${actor} is noncompliant but covered by an exemption; nothing was changed.`;
    case 'compliant': {
      const note = decision.notes && decision.notes.length > 0 ? ` ${decision.notes.join(' ')}` : '';
      return decision.errors.length > 0
        ? `${event} by ${actor} is compliant, but the guard hit an error recording it (see errors).${note}`
        : `${event} by ${actor} was judged compliant.${note}`;
    }
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
