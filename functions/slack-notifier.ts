/**
 * Optional Slack notifier: subscribed to the sesguard alert topic, posts each alert as a Block Kit
 * message to a Slack incoming webhook. Teams using AWS Chatbot do not need it (the SNS body is already a
 * Chatbot custom notification).
 *
 * Environment (exactly one of the first two):
 *   SLACK_WEBHOOK_PARAMETER   name of an SSM SecureString parameter holding the webhook URL
 *   SLACK_WEBHOOK_SECRET_ARN  ARN or name of a Secrets Manager secret holding it (read through SSM's
 *                             /aws/reference/secretsmanager/ path)
 *   SLACK_POST_TIMEOUT_MS, SLACK_MAX_ATTEMPTS, SLACK_MAX_RETRY_AFTER_MS   optional tuning
 *   plus the standard SDK settings (AWS_REGION, AWS_ENDPOINT_URL[_SSM]) used by the client factory.
 *
 * Resources the deployment must provide:
 *   - an SNS subscription (protocol lambda) from the alert topic, and lambda:InvokeFunction for sns.amazonaws.com;
 *   - role permissions: ssm:GetParameter on the parameter (or on
 *     parameter/aws/reference/secretsmanager/* plus secretsmanager:GetSecretValue on the secret), and
 *     kms:Decrypt on the key that encrypts it;
 *   - an on-failure destination or DLQ (SQS) for this function's asynchronous invocations, with a
 *     CloudWatch alarm on its depth, and MaximumRetryAttempts (0–2) on the event invoke config: a message
 *     that cannot be delivered makes the invocation throw, so it is retried and then kept there;
 *   - a function timeout above the worst-case delivery time (attempts × timeout + capped waits, ~40 s with
 *     the defaults); the notifier also stops starting attempts near the remaining time.
 * The webhook URL is never put in the environment or in logs.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SNSEvent } from 'aws-lambda';
import * as z from '../lib/zod.ts';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createServiceClient } from '../lib/aws/client-factory.ts';
import { createSlackNotifier, type SlackNotifierResult } from '../lib/alert/slack-notifier.ts';
import { createWebhookUrlProvider, type WebhookUrlSource } from '../lib/alert/webhook-url.ts';
import { parseEnvironment } from './runtime/env.ts';

const positiveInt = z.coerce.number().check(z.int(), z.positive());

export const SlackNotifierEnvSchema = z.object({
  SLACK_WEBHOOK_PARAMETER: z.optional(z.string().check(z.minLength(1))),
  SLACK_WEBHOOK_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  SLACK_POST_TIMEOUT_MS: z.optional(positiveInt),
  SLACK_MAX_ATTEMPTS: z.optional(positiveInt.check(z.lte(10))),
  SLACK_MAX_RETRY_AFTER_MS: z.optional(positiveInt),
}).check(z.refine((env) => (env.SLACK_WEBHOOK_PARAMETER === undefined) !== (env.SLACK_WEBHOOK_SECRET_ARN === undefined), {
  message: 'set exactly one of SLACK_WEBHOOK_PARAMETER and SLACK_WEBHOOK_SECRET_ARN',
  path: ['SLACK_WEBHOOK_PARAMETER'],
}));
export type SlackNotifierEnv = z.infer<typeof SlackNotifierEnvSchema>;

export function parseSlackNotifierEnv(env: NodeJS.ProcessEnv): SlackNotifierEnv {
  return parseEnvironment(SlackNotifierEnvSchema, env, 'slack-notifier');
}

export function webhookSourceOf(env: SlackNotifierEnv): WebhookUrlSource {
  return env.SLACK_WEBHOOK_PARAMETER !== undefined
    ? { kind: 'ssm-parameter', name: env.SLACK_WEBHOOK_PARAMETER }
    : { kind: 'secrets-manager', secretId: env.SLACK_WEBHOOK_SECRET_ARN as string };
}

const logger = new Logger({ serviceName: 'sesguard', persistentKeys: { function: 'slack-notifier' } });

/** Leave this much of the invocation for logging and a clean failure. */
const DEADLINE_MARGIN_MS = 3_000;

// Built once per execution environment; the webhook URL provider caches the URL in module scope.
let notifierEnv: SlackNotifierEnv | undefined;
let webhookUrl: (() => Promise<string>) | undefined;

function coldStart(): { env: SlackNotifierEnv; webhookUrl: () => Promise<string> } {
  if (!notifierEnv || !webhookUrl) {
    notifierEnv = parseSlackNotifierEnv(process.env);
    webhookUrl = createWebhookUrlProvider({ ssm: createServiceClient(SSMClient, 'SSM', process.env), source: webhookSourceOf(notifierEnv) });
  }
  return { env: notifierEnv, webhookUrl };
}

async function notify(event: SNSEvent, context: Context): Promise<SlackNotifierResult> {
  const rt = coldStart();
  const notifier = createSlackNotifier({
    webhookUrl: rt.webhookUrl,
    logger,
    post: {
      ...(rt.env.SLACK_POST_TIMEOUT_MS !== undefined && { timeoutMs: rt.env.SLACK_POST_TIMEOUT_MS }),
      ...(rt.env.SLACK_MAX_ATTEMPTS !== undefined && { maxAttempts: rt.env.SLACK_MAX_ATTEMPTS }),
      ...(rt.env.SLACK_MAX_RETRY_AFTER_MS !== undefined && { maxRetryAfterMs: rt.env.SLACK_MAX_RETRY_AFTER_MS }),
      deadline: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
    },
  });
  return notifier(event);
}

export const handler = middy<SNSEvent, SlackNotifierResult, Error, Context>(notify).use(injectLambdaContext(logger, { clearState: true }));
