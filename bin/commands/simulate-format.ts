import type { StatementExplanation } from '../../lib/policy/explain.ts';
import type { EvaluationRequest, EvaluationResult, StatementRef } from '../../lib/policy/types.ts';

/** The readable explanation `sesguard simulate` prints for a person at a terminal. */

function cite(ref: StatementRef): string {
  return `${ref.policy} statement ${ref.index}${ref.sid !== undefined ? ` (Sid "${ref.sid}")` : ''}`;
}

function whyNot(e: StatementExplanation): string {
  const reasons: string[] = [];
  if (!e.action) reasons.push('action not covered');
  if (!e.resource) reasons.push('resource not covered');
  if (e.principal === false) reasons.push('principal not named');
  for (const c of e.conditions) {
    if (!c.matches) reasons.push(`condition ${c.clause.operator} ${c.clause.key} ${JSON.stringify(c.clause.values)} not met`);
  }
  return reasons.join('; ');
}

export function formatExplanation(request: EvaluationRequest, result: EvaluationResult, statements: StatementExplanation[]): string {
  const lines: string[] = [];
  lines.push(`${request.action} on ${request.resource}${request.principal ? ` by ${request.principal}` : ''}`);
  lines.push(`Decision: ${result.decision}`);
  switch (result.decision) {
    case 'ExplicitDeny':
      lines.push('  Denied explicitly by:');
      break;
    case 'Allow':
      lines.push('  Allowed by:');
      break;
    case 'ImplicitDeny':
      lines.push('  No statement allows the request (implicit deny).');
  }
  for (const ref of result.statements) lines.push(`    - ${cite(ref)} [${ref.effect}]`);
  const others = statements.filter((e) => !result.statements.some((r) => r.policy === e.ref.policy && r.index === e.ref.index));
  if (others.length > 0) {
    lines.push('  Other statements:');
    for (const e of others) {
      lines.push(`    - ${cite(e.ref)} [${e.ref.effect}]: ${e.applies ? 'applies' : `does not apply: ${whyNot(e)}`}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
