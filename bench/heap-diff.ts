/**
 * `npx tsx bench/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [rows]`: what the later
 * snapshot of the same process holds that the earlier one did not. Node ids are stable within a
 * process, so "new" means allocated between the two snapshots and still alive. Prints, by node type
 * and constructor/name: count and bytes of new nodes, and the change of all live nodes; then, for
 * the largest groups of new nodes, one retainer chain each (who keeps them).
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  fields: string[];
  types: string[];
  edgeFields: string[];
  edgeTypes: string[];
  nodes: number[];
  edges: number[];
  strings: string[];
}

function load(path: string): Snapshot {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: { meta: Record<string, unknown> };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const meta = raw.snapshot.meta as {
    node_fields: string[];
    node_types: [string[]];
    edge_fields: string[];
    edge_types: [string[]];
  };
  return {
    fields: meta.node_fields,
    types: meta.node_types[0],
    edgeFields: meta.edge_fields,
    edgeTypes: meta.edge_types[0],
    nodes: raw.nodes,
    edges: raw.edges,
    strings: raw.strings,
  };
}

interface View {
  count: number;
  type(i: number): string;
  name(i: number): string;
  id(i: number): number;
  size(i: number): number;
  key(i: number): string;
}

function view(s: Snapshot): View {
  const n = s.fields.length;
  const [t, nm, id, sz] = ['type', 'name', 'id', 'self_size'].map((f) => s.fields.indexOf(f)) as [
    number,
    number,
    number,
    number,
  ];
  const at = (i: number, f: number) => s.nodes[i * n + f] as number;
  const v: View = {
    count: s.nodes.length / n,
    type: (i) => s.types[at(i, t)] as string,
    name: (i) => s.strings[at(i, nm)] as string,
    id: (i) => at(i, id),
    size: (i) => at(i, sz),
    key: (i) => {
      const type = v.type(i);
      // Strings by kind, not by content (content is per target); closures and objects by name.
      if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return type;
      if (type === 'number') return 'heap number';
      return `${type} ${v.name(i).slice(0, 60)}`;
    },
  };
  return v;
}

interface Group {
  count: number;
  bytes: number;
}

function groups(v: View, only?: (i: number) => boolean): Map<string, Group> {
  const out = new Map<string, Group>();
  for (let i = 0; i < v.count; i++) {
    if (only && !only(i)) continue;
    const k = v.key(i);
    const g = out.get(k) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += v.size(i);
    out.set(k, g);
  }
  return out;
}

/** Reverse edges of `s`: for each node, the (from node, edge name) pairs that point at it. */
function retainers(s: Snapshot, v: View): (i: number) => [number, string][] {
  const n = s.fields.length;
  const ec = s.fields.indexOf('edge_count');
  const en = s.edgeFields.length;
  const [et, ename, eto] = ['type', 'name_or_index', 'to_node'].map((f) => s.edgeFields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const back: [number, string][][] = Array.from({ length: v.count }, () => []);
  let e = 0;
  for (let i = 0; i < v.count; i++) {
    const edges = s.nodes[i * n + ec] as number;
    for (let k = 0; k < edges; k++, e++) {
      const type = s.edgeTypes[s.edges[e * en + et] as number];
      if (type === 'weak') continue;
      const nameOrIndex = s.edges[e * en + ename] as number;
      const label =
        type === 'element' || type === 'hidden' ? `[${nameOrIndex}]` : String(s.strings[nameOrIndex]);
      (back[(s.edges[e * en + eto] as number) / n] as [number, string][]).push([i, label]);
    }
  }
  return (i) => back[i] as [number, string][];
}

/** One chain of retainers from node `i` towards a root (breadth-first, shortest). */
function chain(v: View, back: (i: number) => [number, string][], i: number, depth = 12): string {
  const prev = new Map<number, [number, string]>();
  let frontier = [i];
  const seen = new Set([i]);
  let end = i;
  outer: for (let d = 0; d < depth && frontier.length; d++) {
    const next: number[] = [];
    for (const x of frontier) {
      for (const [from, label] of back(x)) {
        if (seen.has(from)) continue;
        seen.add(from);
        prev.set(from, [x, label]);
        end = from;
        if (v.type(from) === 'synthetic') break outer;
        next.push(from);
      }
    }
    frontier = next;
  }
  const parts: string[] = [];
  for (let x = end; x !== i; ) {
    const [to, label] = prev.get(x) as [number, string];
    parts.push(`${v.key(x)} .${label}`);
    x = to;
  }
  return `${parts.join(' -> ')} -> ${v.key(i)}`;
}

const [beforePath, afterPath, rowsArg] = process.argv.slice(2);
if (!beforePath || !afterPath) throw new Error('usage: heap-diff.ts <before> <after> [rows]');
const rows = Number(rowsArg ?? 25);
const a = load(beforePath);
const va = view(a);
const ids = new Set<number>();
for (let i = 0; i < va.count; i++) ids.add(va.id(i));
const ga = groups(va);
const b = load(afterPath);
const vb = view(b);
const isNew = (i: number) => !ids.has(vb.id(i));
const gNew = groups(vb, isNew);
const gb = groups(vb);
const total = (g: Map<string, Group>) => [...g.values()].reduce((s, x) => s + x.bytes, 0);
console.log(`before: ${va.count} nodes, ${(total(ga) / 1024).toFixed(0)} KiB`);
console.log(`after:  ${vb.count} nodes, ${(total(gb) / 1024).toFixed(0)} KiB`);
console.log(`new in after (allocated between, still alive): ${(total(gNew) / 1024).toFixed(0)} KiB\n`);
console.log('| group | new count | new KiB | live count change | live KiB change |');
console.log('|---|---:|---:|---:|---:|');
const sorted = [...gNew.entries()].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, rows);
for (const [k, g] of sorted) {
  const before = ga.get(k) ?? { count: 0, bytes: 0 };
  const after = gb.get(k) ?? { count: 0, bytes: 0 };
  console.log(
    `| ${k.replaceAll('|', '\\|')} | ${g.count} | ${(g.bytes / 1024).toFixed(1)} | ${after.count - before.count} | ${((after.bytes - before.bytes) / 1024).toFixed(1)} |`,
  );
}
console.log('\nLargest live changes (any age):');
const changes = [...new Set([...ga.keys(), ...gb.keys()])]
  .map((k): [string, number, number] => [
    k,
    (gb.get(k)?.count ?? 0) - (ga.get(k)?.count ?? 0),
    (gb.get(k)?.bytes ?? 0) - (ga.get(k)?.bytes ?? 0),
  ])
  .sort((x, y) => Math.abs(y[2]) - Math.abs(x[2]))
  .slice(0, rows);
for (const [k, c, bytes] of changes) console.log(`  ${(bytes / 1024).toFixed(1)} KiB, ${c} nodes: ${k}`);
const back = retainers(b, vb);
// New nodes by what holds them: the group and edge of their first retainer that is not new itself
// (a new object graph is counted once, under the old object it hangs from).
const holders = new Map<string, Group>();
for (let i = 0; i < vb.count; i++) {
  if (!isNew(i) || vb.type(i) === 'code') continue;
  const old = back(i).find(([from]) => !isNew(from));
  if (old === undefined) continue;
  const k = `${vb.key(old[0])} .${old[1].slice(0, 40)}`;
  const g = holders.get(k) ?? { count: 0, bytes: 0 };
  g.count++;
  g.bytes += vb.size(i);
  holders.set(k, g);
}
console.log('\nNew nodes (code aside) held directly by older ones, by holder and edge:');
for (const [k, g] of [...holders.entries()].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, rows)) {
  console.log(`  ${(g.bytes / 1024).toFixed(1)} KiB, ${g.count} nodes: ${k}`);
}
console.log('\nA retainer chain for new nodes of the largest groups:');
for (const [k] of sorted.slice(0, Math.min(rows, 12))) {
  let shown = 0;
  for (let i = 0; i < vb.count && shown < 2; i++) {
    if (vb.key(i) === k && isNew(i)) {
      console.log(`- ${k}: ${chain(vb, back, i)}`);
      shown++;
      i += Math.floor(vb.count / 7); // a second sample from further on
    }
  }
}
