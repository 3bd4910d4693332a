/** Matches a method and path to a documented operation, with `{param}` path templates. */
import type { OperationRuntime } from './types.js';

interface CompiledRoute {
  op: OperationRuntime;
  pattern: RegExp;
  names: string[];
}

export type RouteMatch =
  | { kind: 'found'; op: OperationRuntime; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

export function createRouter(operations: OperationRuntime[]): (method: string, path: string) => RouteMatch {
  const exact = new Map<string, OperationRuntime[]>();
  const templated: CompiledRoute[] = [];
  for (const op of operations) {
    if (!op.path.includes('{')) {
      exact.set(op.path, [...(exact.get(op.path) ?? []), op]);
      continue;
    }
    const names: string[] = [];
    const source = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    templated.push({ op, pattern: new RegExp(`^${source}$`), names });
  }
  return (method, rawPath) => {
    const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.replace(/\/+$/, '') : rawPath;
    const candidates: { op: OperationRuntime; params: Record<string, string> }[] = [];
    for (const op of exact.get(path) ?? []) candidates.push({ op, params: {} });
    if (candidates.length === 0) {
      for (const route of templated) {
        const m = route.pattern.exec(path);
        if (!m) continue;
        const params: Record<string, string> = {};
        try {
          route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
        } catch {
          continue; // a malformed %-escape names no resource
        }
        candidates.push({ op: route.op, params });
      }
    }
    if (candidates.length === 0) return { kind: 'not-found' };
    const hit = candidates.find((c) => c.op.method === method);
    if (hit) return { kind: 'found', op: hit.op, params: hit.params };
    return { kind: 'method-not-allowed', allowed: candidates.map((c) => c.op.method) };
  };
}
