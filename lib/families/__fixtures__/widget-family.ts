import type { Change } from '../../cloudtrail/types.ts';
import { parseParameters, type EventParser } from '../../cloudtrail/event-parser.ts';
import * as z from '../../zod.ts';
import { bindSteps, defineStep, draftStep } from '../../remediation/step.ts';
import type { Family } from '../family.ts';

/**
 * A whole trigger family in one file, for tests: the contract a new family fills in (lib/families/README
 * in docs/architecture.md). A "widget" has a `public` flag; SES-IDP-001 stands in for its rule.
 */
export interface WidgetChange extends Change {
  family: 'widget';
  target: { name: string };
}

export interface WidgetState {
  kind: 'widget';
  name: string;
  /** null: the widget no longer exists. */
  document: string | null;
}

export interface DeleteWidget {
  type: 'test.delete-widget';
  name: string;
}

/** What the fake service holds: widget name -> document (JSON `{"public": boolean}`). */
export type WidgetStore = Map<string, string>;

export const DELETE_WIDGET = defineStep<DeleteWidget, { store: WidgetStore }>({
  type: 'test.delete-widget',
  commands: ['widgets:DeleteWidget'],
  removes: true,
  actsOnActor: false,
  describe: (a) => `widget ${a.name}`,
  send: async ({ store }, a) => void store.delete(a.name),
});

const Params = z.object({ name: z.string().check(z.minLength(1)) });

const EVENTS: readonly EventParser<WidgetChange>[] = [
  {
    eventSource: 'widgets.amazonaws.com',
    eventName: 'PutWidget',
    family: 'widget',
    parse(ctx) {
      const p = parseParameters(Params, ctx);
      return p.ok ? { ...ctx.base, family: 'widget', target: { name: p.value.name } } : p.skip;
    },
  },
];

function isPublic(document: string): boolean | undefined {
  try {
    const value: unknown = JSON.parse(document);
    return typeof value === 'object' && value !== null && 'public' in value ? value.public === true : undefined;
  } catch {
    return undefined;
  }
}

export function widgetFamily(store: WidgetStore): Family<WidgetChange, WidgetState> {
  const read = (name: string): WidgetState => ({ kind: 'widget', name, document: store.get(name) ?? null });
  return {
    id: 'widget',
    title: 'widgets (a test family)',
    events: EVENTS,
    resourceOf: (change) => `arn:aws:widgets:${change.region}:${change.accountId}:widget/${change.target.name}`,
    states: {
      widget: {
        resource: (state) => `widget/${state.name}`,
        document: (state) => state.document,
        unreadable: (state) => (state.document !== null && isPublic(state.document) === undefined ? [`widget ${state.name}: not a widget document`] : []),
        baseline: (state) => (state.document === null ? undefined : { key: `widget/${state.name}`, document: state.document }),
      },
    },
    rules: [
      {
        id: 'SES-IDP-001',
        title: 'Widget is public',
        appliesTo: ['widget'],
        defaultSeverity: 'critical',
        defaultAction: 'revert',
        evaluate: (state) =>
          state.document !== null && isPublic(state.document) === true
            ? [{ resource: `widget/${state.name}`, reason: `widget ${state.name} is public`, fix: { kind: 'repair', what: 'delete the widget' } }]
            : [],
      },
    ],
    plan: (input) => ({
      strategy: 'delete',
      steps: [draftStep(DELETE_WIDGET, { type: 'test.delete-widget', name: input.state.name }, { ruleIds: input.findings.map((f) => f.ruleId), reason: 'a public widget must not stay' })],
      explanation: `Deletes widget ${input.state.name}.`,
      notRepaired: [],
    }),
    steps: [DELETE_WIDGET],
    connect: () => ({ read: async (change) => read(change.target.name), senders: bindSteps([DELETE_WIDGET], { store }) }),
    offlineState: (change) => read(change.target.name),
    checks: [],
    inventory: {
      scope: 'regional',
      connect: (_make, where) => ({
        page: () =>
          Promise.resolve({
            entries: [...store.keys()].sort().map((name) => ({
              key: name,
              resource: `widget/${name}`,
              items: () => Promise.resolve([{ change: { ...where.changeBase(name), family: 'widget' as const, target: { name } }, state: read(name) }]),
            })),
            sorted: true,
          }),
      }),
    },
  };
}

/** An EventBridge envelope of a PutWidget call. */
export function widgetEvent(name: string, eventId = `evt-${name}`): unknown {
  return {
    version: '0',
    id: `eb-${eventId}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.widgets',
    account: '111122223333',
    region: 'eu-west-1',
    detail: {
      eventID: eventId,
      eventName: 'PutWidget',
      eventSource: 'widgets.amazonaws.com',
      eventTime: '2026-11-24T10:00:00Z',
      awsRegion: 'eu-west-1',
      recipientAccountId: '111122223333',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/dev-bob', accountId: '111122223333' },
      requestParameters: { name },
      responseElements: null,
    },
  };
}
