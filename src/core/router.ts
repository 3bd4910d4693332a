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

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function createRouter(operations: OperationRuntime[]): (method: string, path: string) => RouteMatch {
  // Fixed paths answer from a table of ready-made matches (one per path and method): most requests hit
  // one, and a match built per request was measurable. Templated paths are tried in document order.
  const exact = new Map<string, Map<string, RouteMatch>>();
  const templated: CompiledRoute[] = [];
  for (const op of operations) {
    if (!op.path.includes('{')) {
      const byMethod = exact.get(op.path) ?? new Map<string, RouteMatch>();
      byMethod.set(op.method, { kind: 'found', op, params: NO_PARAMS });
      exact.set(op.path, byMethod);
      continue;
    }
    const names: string[] = [];
    const source = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    templated.push({ op, pattern: new RegExp(`^${source}$`), names });
  }
  const notFound: RouteMatch = { kind: 'not-found' };
  return (method, rawPath) => {
    const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.replace(/\/+$/, '') : rawPath;
    const fixed = exact.get(path);
    if (fixed) return fixed.get(method) ?? { kind: 'method-not-allowed', allowed: [...fixed.keys()] };
    const candidates: { op: OperationRuntime; params: Record<string, string> }[] = [];
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
    if (candidates.length === 0) return notFound;
    const hit = candidates.find((c) => c.op.method === method);
    if (hit) return { kind: 'found', op: hit.op, params: hit.params };
    return { kind: 'method-not-allowed', allowed: candidates.map((c) => c.op.method) };
  };
}
