import type { Change } from '../cloudtrail/types.ts';

/** The ARN (or, where AWS has none, a stable id) of what a change touched: alerts and findings cite it. */
export function describeResource(change: Change): string {
  const { region, accountId } = change;
  switch (change.family) {
    case 'identity-policy':
      return `arn:aws:ses:${region}:${accountId}:identity/${change.target.identity}`;
    case 'event-destination':
      return `arn:aws:ses:${region}:${accountId}:configuration-set/${change.target.configurationSet}`;
    case 'custom-verification':
      return `arn:aws:ses:${region}:${accountId}:custom-verification-email-template/${change.target.templateName}`;
    case 'iam-grant':
      switch (change.operation) {
        case 'attach':
        case 'put-inline':
          return `arn:aws:iam::${accountId}:${change.principal.type}/${change.principal.name}`;
        case 'create-version':
        case 'set-default-version':
          return change.policyArn;
        case 'add-to-group':
          return `arn:aws:iam::${accountId}:group/${change.groupName}`;
      }
      break;
    case 'guard-integrity':
      return change.resourceName;
  }
  return 'unknown';
}
