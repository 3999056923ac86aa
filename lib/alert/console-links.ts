import type { GuardIntegrityChange } from '../families/guard-integrity/types.ts';

/**
 * AWS console deep links, so the person reading an alert is one click from the resource and the event.
 * URL forms are the consoles' own routes:
 * - SES (v2 console): https://<r>.console.aws.amazon.com/ses/home?region=<r>#/identities/<identity>
 *   and #/configuration-sets/<name>. Custom verification templates have no console page (API only), so
 *   they link to nothing rather than to a page that does not show them.
 * - IAM is global; its detail pages are /iam/home#/{users,roles,groups}/details/<name> and
 *   /iam/home#/policies/details/<url-encoded policy ARN>.
 * - CloudTrail event history: https://<r>.console.aws.amazon.com/cloudtrail/home?region=<r>#/events/<eventId>.
 *   IAM is a global service whose events are recorded in us-east-1, so that is where their history is.
 */

const IAM_CONSOLE = 'https://console.aws.amazon.com/iam/home';

/** Partitions other than aws have other console hosts; only the commercial partition is linked. */
function isCommercial(arn: string): boolean {
  return arn.startsWith('arn:aws:');
}

function regionalConsole(region: string, service: string): string {
  return `https://${region}.console.aws.amazon.com/${service}/home?region=${region}`;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** CloudTrail event history page for one event. */
export function cloudTrailEventLink(eventId: string | undefined, region: string | undefined, eventSource?: string): string | null {
  if (!eventId || !/^[\w-]+$/.test(eventId)) return null;
  const where = eventSource === 'iam.amazonaws.com' ? 'us-east-1' : region;
  if (!where || !REGION_PATTERN.test(where)) return null;
  return `${regionalConsole(where, 'cloudtrail')}#/events/${encodeURIComponent(eventId)}`;
}

/**
 * The console page of a resource named by ARN (the ARNs lib/guard/resource.ts and the rules produce),
 * or null when there is no page for it.
 */
export function resourceLink(arn: string | undefined): string | null {
  if (!arn || !isCommercial(arn)) return null;
  const parts = arn.split(':');
  const service = parts[2];
  const region = parts[3] ?? '';
  const resource = parts.slice(5).join(':');
  switch (service) {
    case 'ses':
      return sesLink(region, resource);
    case 'iam':
      return iamLink(arn, resource);
    case 'sns':
      return REGION_PATTERN.test(region) ? `https://${region}.console.aws.amazon.com/sns/v3/home?region=${region}#/topic/${encodeURIComponent(arn)}` : null;
    case 'lambda': {
      const name = resource.startsWith('function:') ? resource.slice('function:'.length).split(':')[0] : undefined;
      return name && REGION_PATTERN.test(region) ? `${regionalConsole(region, 'lambda')}#/functions/${encodeURIComponent(name)}` : null;
    }
    case 'events': {
      const rule = /^rule\/(?:([^/]+)\/)?([^/]+)$/.exec(resource);
      if (!rule || !REGION_PATTERN.test(region)) return null;
      const bus = rule[1] ?? 'default';
      return `${regionalConsole(region, 'events')}#/eventbus/${encodeURIComponent(bus)}/rules/${encodeURIComponent(rule[2] ?? '')}`;
    }
    case 'cloudtrail':
      return resource.startsWith('trail/') && REGION_PATTERN.test(region) ? `${regionalConsole(region, 'cloudtrail')}#/trails/${encodeURIComponent(arn)}` : null;
    case 'dynamodb':
      return resource.startsWith('table/') && REGION_PATTERN.test(region)
        ? `${regionalConsole(region, 'dynamodbv2')}#table?name=${encodeURIComponent(resource.slice('table/'.length).split('/')[0] ?? '')}`
        : null;
    default:
      return null;
  }
}

function sesLink(region: string, resource: string): string | null {
  if (!REGION_PATTERN.test(region)) return null;
  const slash = resource.indexOf('/');
  if (slash < 0) return null;
  const type = resource.slice(0, slash);
  const name = resource.slice(slash + 1);
  if (name === '') return null;
  if (type === 'identity') return `${regionalConsole(region, 'ses')}#/identities/${encodeURIComponent(name)}`;
  if (type === 'configuration-set') return `${regionalConsole(region, 'ses')}#/configuration-sets/${encodeURIComponent(name)}`;
  return null;
}

function iamLink(arn: string, resource: string): string | null {
  const slash = resource.indexOf('/');
  if (slash < 0) return null;
  const type = resource.slice(0, slash);
  // IAM paths (/team/) precede the name; the console addresses users, roles and groups by name alone.
  const name = resource.slice(resource.lastIndexOf('/') + 1);
  if (name === '') return null;
  switch (type) {
    case 'user':
      return `${IAM_CONSOLE}#/users/details/${encodeURIComponent(name)}`;
    case 'role':
      return `${IAM_CONSOLE}#/roles/details/${encodeURIComponent(name)}`;
    case 'group':
      return `${IAM_CONSOLE}#/groups/details/${encodeURIComponent(name)}`;
    case 'policy':
      return `${IAM_CONSOLE}#/policies/details/${encodeURIComponent(arn)}`;
    default:
      return null;
  }
}

/**
 * GUARD-001 events name the guard resource as the API call did (often a bare name, not an ARN); link it
 * by type in the region the event happened in.
 */
export function guardResourceLink(
  resourceType: GuardIntegrityChange['resourceType'],
  name: string,
  region: string,
): string | null {
  if (name === '') return null;
  if (resourceType === 'iam-role') return `${IAM_CONSOLE}#/roles/details/${encodeURIComponent(name.slice(name.lastIndexOf('/') + 1))}`;
  if (!REGION_PATTERN.test(region)) return null;
  const n = encodeURIComponent(name);
  switch (resourceType) {
    case 'events-rule':
      return `${regionalConsole(region, 'events')}#/eventbus/default/rules/${n}`;
    case 'lambda-function':
      return `${regionalConsole(region, 'lambda')}#/functions/${n}`;
    case 'sns-topic':
      return null; // the SNS console addresses topics by ARN only; a bare name cannot be linked
    case 'cloudtrail':
      return `${regionalConsole(region, 'cloudtrail')}#/trails`;
    case 'dynamodb-table':
      return `${regionalConsole(region, 'dynamodbv2')}#table?name=${n}`;
    default:
      return null;
  }
}
