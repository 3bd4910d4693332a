/**
 * Reads the fields an installed SDK's type declarations say a wire object has, so tests can hold
 * standin's answers to the SDK's own record of the wire format: the next SDK release shows what is new.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface DeclaredFields {
  /** Fields declared without `?`: the SDK's types promise them on every object. */
  required: string[];
  optional: string[];
}

/** The text of a `.d.ts` file inside an installed package. */
export function declarationText(pkg: string, file: string): string {
  // Packages whose `exports` hide package.json: resolve the entry point and walk up to the root.
  let root = dirname(createRequire(import.meta.url).resolve(pkg));
  while (!existsSync(join(root, 'package.json')) || JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name !== pkg) {
    const up = dirname(root);
    if (up === root) throw new Error(`cannot find the root of ${pkg}`);
    root = up;
  }
  return readFileSync(join(root, file), 'utf8');
}

/**
 * The fields of `interface <name>` (first match; `Outer.Inner` looks inside `namespace Outer`). Only
 * members at the interface's own depth count; comment lines are skipped.
 */
export function declaredFields(source: string, name: string): DeclaredFields {
  const [outer, inner] = name.includes('.') ? name.split('.') : [undefined, name];
  let from = 0;
  if (outer) {
    from = source.search(new RegExp(`\\bnamespace ${outer} \\{`));
    if (from < 0) throw new Error(`no namespace ${outer}`);
  }
  const start = source.slice(from).search(new RegExp(`\\binterface ${inner} (?:extends [^{]+)?\\{`));
  if (start < 0) throw new Error(`no interface ${name}`);
  const lines = source.slice(from + start).split('\n');
  const required: string[] = [];
  const optional: string[] = [];
  let depth = 0;
  for (const line of lines) {
    const code = line.trim();
    if (code.startsWith('*') || code.startsWith('/*') || code.startsWith('//')) continue;
    const member = /^(\w+)(\?)?:/.exec(code);
    if (depth === 1 && member) (member[2] ? optional : required).push(member[1]!);
    for (const c of code) {
      if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    if (depth === 0 && code.includes('}')) break;
  }
  if (required.length + optional.length === 0) throw new Error(`interface ${name} declares no fields`);
  return { required, optional };
}
