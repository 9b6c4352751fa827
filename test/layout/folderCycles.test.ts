import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * ../shared/DESIGN.md "Target layout": dependencies point down the layers, no folder imports one above it. The
 * weakest form of that, checked here on the real sources: no two folders of src/ reach each other through imports
 * (before issue 11 the listener imported admin/queueAdminMove, closing the loop admin → daemon → payout → ledger →
 * listener → admin).
 */
const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const folderOf = (file: string) => relative(SRC, file).split(sep)[0]!;

function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    if (!from.includes('.')) graph.set(from, graph.get(from) ?? new Set());
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), m[1]!);
      if (!target.startsWith(SRC + sep)) continue;
      const to = folderOf(target);
      if (to !== from && !to.includes('.') && !from.includes('.')) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** Tarjan's strongly connected components with more than one folder: each is a loop. */
function loops(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('src/ folder dependencies', () => {
  it('finds a loop when there is one (the checker itself)', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(loops(g)).toEqual([['a', 'b', 'c']]);
  });

  it('has no folder-level import loop', () => {
    const graph = folderGraph();
    expect(graph.get('listener')?.has('admin')).toBe(false);
    expect(loops(graph)).toEqual([]);
  });

  it('keeps the pure planner pure: domain/ imports only the layers below it (config/, errors/, utils/)', () => {
    for (const to of folderGraph().get('domain') ?? []) expect(['config', 'errors', 'utils']).toContain(to);
  });
});
