import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { CliIo } from '../io.ts';
import { parseCommandArgs } from '../command-args.ts';
import { evaluate } from '../../lib/policy/evaluate.ts';
import { explainStatements } from '../../lib/policy/explain.ts';
import type { ContextValue, EvaluationRequest, PolicySet } from '../../lib/policy/types.ts';
import { CaseError, labelled, simulateLine } from './simulate-case.ts';
import { formatExplanation } from './simulate-format.ts';

const HELP = `sesguard simulate --jsonl < cases.jsonl
sesguard simulate --policy FILE [--policy FILE ...] [--resource-policy FILE] --action A --resource R
                  [--principal ARN] [--context key=value ...]

Evaluates requests against IAM policies with AWS's semantics (explicit deny > allow > implicit deny).

--jsonl       read cases from stdin, one JSON object a line:
              {"id":"c1","policies":[<policy>...],"resourcePolicy"?:<policy>,
               "request":{"action":"ses:SendEmail","resource":"arn:...","principal"?:"arn:...","context":{...}}}
              and write one line per case: {"id","decision","statements"} or {"id","error"}.
              Exit code 1 when any line was bad.
--context     key=value; repeat a key, or give a JSON array (key=["a","b"]), for a multivalued key.
`;

export async function runSimulate(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('simulate', HELP, io, {
    args,
    strict: true,
    allowPositionals: false,
    options: {
      jsonl: { type: 'boolean' },
      policy: { type: 'string', multiple: true },
      'resource-policy': { type: 'string' },
      action: { type: 'string' },
      resource: { type: 'string' },
      principal: { type: 'string' },
      context: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  } as const);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  if (v.jsonl) {
    const extra = ['policy', 'resource-policy', 'action', 'resource', 'principal', 'context'].filter((k) => k in v);
    if (extra.length > 0) {
      io.stderr.write(`sesguard simulate: --jsonl takes cases from stdin; remove ${extra.map((k) => `--${k}`).join(', ')}\n`);
      return 2;
    }
    return runJsonl(io);
  }
  if (!v.policy?.length || !v.action || !v.resource) {
    io.stderr.write(`sesguard simulate: --policy, --action and --resource are required (or use --jsonl)\n\n${HELP}`);
    return 2;
  }
  const context = parseContext(v.context ?? []);
  if (typeof context === 'string') {
    io.stderr.write(`sesguard simulate: ${context}\n`);
    return 2;
  }
  return runOnce(io, {
    policyFiles: v.policy,
    ...(v['resource-policy'] ? { resourcePolicyFile: v['resource-policy'] } : {}),
    action: v.action,
    resource: v.resource,
    ...(v.principal ? { principal: v.principal } : {}),
    context,
  });
}

async function runJsonl(io: CliIo): Promise<number> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  let bad = 0;
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    const out = simulateLine(line, n);
    if ('error' in out) bad++;
    if (!io.stdout.write(`${JSON.stringify(out)}\n`)) await new Promise((r) => io.stdout.once('drain', r));
  }
  if (bad > 0) io.stderr.write(`sesguard simulate: ${bad} bad line(s)\n`);
  return bad > 0 ? 1 : 0;
}

/** `k=v` pairs; a repeated key or a JSON array value makes a multivalued key. Returns an error text. */
export function parseContext(pairs: string[]): Record<string, string | string[]> | string {
  const out: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `--context "${pair}" is not key=value`;
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    let value: string | string[] = raw;
    if (raw.startsWith('[')) {
      try {
        const arr: unknown = JSON.parse(raw);
        if (!Array.isArray(arr)) throw new Error('not an array');
        value = arr.map((x) => String(x));
      } catch {
        return `--context ${key}: "${raw}" is not a JSON array`;
      }
    }
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = [...(Array.isArray(prev) ? prev : [prev]), ...(Array.isArray(value) ? value : [value])];
  }
  return out;
}

interface OnceOptions {
  policyFiles: string[];
  resourcePolicyFile?: string;
  action: string;
  resource: string;
  principal?: string;
  context: Record<string, ContextValue>;
}

async function runOnce(io: CliIo, o: OnceOptions): Promise<number> {
  let documents: Array<{ file: string; text: string }>;
  let resourcePolicy: { file: string; text: string } | undefined;
  try {
    documents = await Promise.all(o.policyFiles.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
    if (o.resourcePolicyFile) resourcePolicy = { file: o.resourcePolicyFile, text: await readFile(o.resourcePolicyFile, 'utf8') };
  } catch (err) {
    io.stderr.write(`sesguard simulate: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  try {
    const policies: PolicySet = {
      identityPolicies: documents.map((d) => labelled(d.file, d.text)),
      ...(resourcePolicy ? { resourcePolicy: labelled(resourcePolicy.file, resourcePolicy.text) } : {}),
    };
    const request: EvaluationRequest = {
      action: o.action,
      resource: o.resource,
      ...(o.principal ? { principal: o.principal } : {}),
      context: o.context,
    };
    const result = evaluate(request, policies);
    io.stdout.write(formatExplanation(request, result, explainStatements(request, policies)));
    return 0;
  } catch (err) {
    if (!(err instanceof CaseError)) throw err;
    io.stderr.write(`sesguard simulate: invalid policy: ${err.message}\n`);
    return 1;
  }
}
