import { createInterface } from 'node:readline';
import type { CliIo } from '../io.ts';
import { parseCommandArgs, usageError } from '../command-args.ts';
import { InputError, namedFile, readInput } from '../input-files.ts';
import { describeJsonSyntaxError, parseJsonText } from '../../lib/source/json.ts';
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
              A bad line gets an error line and the run goes on.
--context     key=value; repeat a key, or give a JSON array (key=["a","b"]), for a multivalued key.

Exit: 0 every request evaluated (whatever the decision); 2 a policy or line that could not be read or
parsed, or bad usage.
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
  return bad > 0 ? 2 : 0;
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
  const read = async (file: string): Promise<{ file: string; document: unknown }> => {
    const source = await readInput(namedFile(file), io);
    const parsed = parseJsonText(source.text);
    if (!parsed.ok) throw new InputError(`${describeJsonSyntaxError(parsed.error)} (not valid JSON)`);
    return { file, document: parsed.value };
  };
  let documents: Array<{ file: string; document: unknown }>;
  let resourcePolicy: { file: string; document: unknown } | undefined;
  let current = '';
  try {
    documents = [];
    for (const file of o.policyFiles) {
      current = file;
      documents.push(await read(file));
    }
    if (o.resourcePolicyFile) {
      current = o.resourcePolicyFile;
      resourcePolicy = await read(o.resourcePolicyFile);
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return usageError('simulate', io, `${current}:${/^\d+:\d+:/.test(error.message) ? '' : ' '}${error.message}`);
  }
  try {
    const policies: PolicySet = {
      identityPolicies: documents.map((d) => labelled(d.file, d.document)),
      ...(resourcePolicy ? { resourcePolicy: labelled(resourcePolicy.file, resourcePolicy.document) } : {}),
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
    return usageError('simulate', io, `invalid policy: ${err.message}`);
  }
}
