import { readdirSync, readFileSync } from 'node:fs';
const dir = '/tmp/pb/prof'; const p = JSON.parse(readFileSync(`${dir}/${readdirSync(dir)[0]}`, 'utf8'));
const byId = new Map<number, any>(p.nodes.map((n: any) => [n.id, n]));
const self = new Map<number, number>(); for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + p.timeDeltas[i]);
const incl = new Map<number, number>();
const calc = (id: number): number => { const n = byId.get(id); let t = self.get(id) ?? 0; for (const c of n.children ?? []) t += calc(c); incl.set(id, t); return t; };
calc(p.nodes[0].id);
const inc = new Map<string, number>(); const sf = new Map<string, number>();
for (const [id, t] of incl) { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`; inc.set(k, (inc.get(k) ?? 0) + t); sf.set(k, (sf.get(k) ?? 0) + (self.get(id) ?? 0)); }
console.log('--- inclusive (summed; recursion double counts)'); for (const [k, v] of [...inc].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / 1000).toFixed(1).padStart(8), k);
console.log('--- self'); for (const [k, v] of [...sf].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log((v / 1000).toFixed(1).padStart(8), k);
