import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * A local HTTP endpoint that answers, as AWS does, the calls a guard function sends: the SES v2
 * identity-policy calls (REST-JSON), SNS Publish and IAM AttachUserPolicy (query protocol, XML) and CloudTrail
 * LookupEvents (JSON 1.1). It is for code that cannot be given an aws-sdk-client-mock stub: a packaged bundle
 * running in a process of its own, pointed here by AWS_ENDPOINT_URL_<SERVICE>. The identities' policies and the
 * users' attached policies are state: a write changes what the next read answers. Anything else is a 400 the
 * test sees in `requests`.
 */
export interface FakeAwsEndpoint {
  url: string;
  /** identity -> policy name -> document */
  policies: Record<string, Record<string, string>>;
  /** user name -> ARNs of the managed policies attached to it (by AttachUserPolicy). */
  attachedToUsers: Record<string, string[]>;
  /** CloudTrail's event history, by event id: the record's JSON as LookupEvents returns it. */
  cloudTrail: Map<string, unknown>;
  /** Every request, in order: `GET /v2/email/identities/example.com/policies`, `POST sns Publish`. */
  requests: string[];
  /** The SNS Publish bodies, decoded. */
  published: URLSearchParams[];
  close(): Promise<void>;
}

const POLICIES = /^\/v2\/email\/identities\/([^/]+)\/policies(?:\/([^/]+))?$/;

async function bodyOf(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export async function startFakeAwsEndpoint(policies: Record<string, Record<string, string>>): Promise<FakeAwsEndpoint> {
  const requests: string[] = [];
  const published: URLSearchParams[] = [];
  const attachedToUsers: Record<string, string[]> = {};
  const cloudTrail = new Map<string, unknown>();
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request);
      const path = decodeURIComponent((request.url ?? '').split('?')[0] ?? '');
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
        response.end(JSON.stringify(value));
      };
      const match = POLICIES.exec(path);
      if (match) {
        const [, identity = '', name] = match;
        requests.push(`${request.method} ${path}`);
        const stored = policies[identity];
        if (!stored) return json(404, { message: `Email identity ${identity} does not exist.` });
        if (request.method === 'GET' && !name) return json(200, { Policies: stored });
        if (name && request.method === 'DELETE') {
          delete stored[name];
          return json(200, {});
        }
        if (name && (request.method === 'PUT' || request.method === 'POST')) {
          stored[name] = (JSON.parse(body) as { Policy: string }).Policy;
          return json(200, {});
        }
      }
      if (request.headers['x-amz-target'] === 'CloudTrail_20131101.LookupEvents') {
        requests.push('POST cloudtrail LookupEvents');
        const input = JSON.parse(body) as { LookupAttributes?: { AttributeKey: string; AttributeValue: string }[] };
        const id = input.LookupAttributes?.find((a) => a.AttributeKey === 'EventId')?.AttributeValue ?? '';
        const recorded = cloudTrail.get(id);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
        response.end(JSON.stringify({ Events: recorded === undefined ? [] : [{ EventId: id, CloudTrailEvent: JSON.stringify(recorded) }] }));
        return;
      }
      const form = new URLSearchParams(body);
      if (request.method === 'POST' && form.get('Action') === 'AttachUserPolicy') {
        requests.push('POST iam AttachUserPolicy');
        (attachedToUsers[form.get('UserName') ?? ''] ??= []).push(form.get('PolicyArn') ?? '');
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(`<AttachUserPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AttachUserPolicyResponse>`);
        return;
      }
      if (request.method === 'POST' && form.get('Action') === 'Publish') {
        requests.push('POST sns Publish');
        published.push(form);
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(
          `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
            `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
        );
        return;
      }
      requests.push(`${request.method} ${path} (not answered)`);
      json(400, { message: `the fake does not answer ${request.method} ${path}` });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    policies,
    attachedToUsers,
    cloudTrail,
    requests,
    published,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
