/**
 * Reads the installed @anthropic-ai/sdk's type definitions as a record of the wire format: the members of
 * its request unions (tools, content blocks, sources) and a minimal value for each, built from the types'
 * required properties. Tests send those values, so the next SDK release shows what the documents miss.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

// The package's `exports` hide package.json, so its root is found from its main entry.
const require = createRequire(import.meta.url);
const sdkRoot = dirname(require.resolve('@anthropic-ai/sdk'));
export const sdkVersion: string = (JSON.parse(readFileSync(join(sdkRoot, 'package.json'), 'utf8')) as { version: string }).version;

export const MESSAGES_DTS = join(sdkRoot, 'resources/messages/messages.d.ts');
export const BETA_MESSAGES_DTS = join(sdkRoot, 'resources/beta/messages/messages.d.ts');

export interface UnionMember {
  /** The interface's name in the SDK, e.g. `WebFetchTool20250910`. */
  name: string;
  /** Its `type` literal, e.g. `web_fetch_20250910` (undefined when `type` is optional and not a literal). */
  type: string | undefined;
  /** Every literal its `type` may take (ToolSearchToolBm25_20251119 takes two), or none. */
  types: string[];
  /** A minimal value of the member: every required property, filled from its declared type. */
  sample: Record<string, unknown>;
}

let program: ts.Program | undefined;

function checker(): { checker: ts.TypeChecker; files: Map<string, ts.SourceFile> } {
  program ??= ts.createProgram([MESSAGES_DTS, BETA_MESSAGES_DTS], { noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022 });
  const files = new Map<string, ts.SourceFile>();
  for (const f of [MESSAGES_DTS, BETA_MESSAGES_DTS]) files.set(f, program.getSourceFile(f)!);
  return { checker: program.getTypeChecker(), files };
}

function declaredType(file: string, name: string): ts.Type {
  const { checker: tc, files } = checker();
  const source = files.get(file)!;
  for (const statement of source.statements) {
    if ((ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) && statement.name.text === name) {
      return tc.getTypeAtLocation(statement.name);
    }
  }
  throw new Error(`${name} is not declared in ${file}`);
}

/** The members of a union type alias declared in `file` (e.g. `ToolUnion`), each with a sample value. */
export function unionMembers(file: string, alias: string): UnionMember[] {
  const { checker: tc } = checker();
  const type = declaredType(file, alias);
  const members = type.isUnion() ? type.types : [type];
  return members.map((member) => describeMember(tc, member));
}

function describeMember(tc: ts.TypeChecker, member: ts.Type): UnionMember {
  const typeProp = member.getProperty('type');
  const typeType = typeProp ? tc.getNonNullableType(tc.getTypeOfSymbol(typeProp)) : undefined;
  const types = (typeType ? (typeType.isUnion() ? typeType.types : [typeType]) : []).map(literalOf).filter((t): t is string => typeof t === 'string');
  return { name: tc.typeToString(member), type: types[0], types, sample: sampleType(tc, member, 0) as Record<string, unknown> };
}

function literalOf(type: ts.Type): unknown {
  if (type.isStringLiteral() || type.isNumberLiteral()) return type.value;
  if (type.flags & ts.TypeFlags.BooleanLiteral) return (type as unknown as { intrinsicName: string }).intrinsicName === 'true';
  if (type.flags & ts.TypeFlags.Null) return null;
  return undefined;
}

/** A minimal value of a type: literals as written, required properties only, the first union member. */
function sampleType(tc: ts.TypeChecker, type: ts.Type, depth: number): unknown {
  if (depth > 12) return {};
  const literal = literalOf(type);
  if (literal !== undefined) return literal;
  if (type.isUnion()) {
    // Prefer a non-null member that is not plain `string` when an object or literal is on offer.
    const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
    return sampleType(tc, members[0] ?? type.types[0]!, depth + 1);
  }
  if (type.flags & ts.TypeFlags.String) return 'sample';
  if (type.flags & ts.TypeFlags.Number) return 1;
  if (type.flags & ts.TypeFlags.Boolean) return false;
  if (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return {};
  if (tc.isArrayType(type)) {
    const [element] = tc.getTypeArguments(type as ts.TypeReference);
    return element ? [sampleType(tc, element, depth + 1)] : [];
  }
  if (type.flags & ts.TypeFlags.Object) {
    const out: Record<string, unknown> = {};
    for (const prop of type.getProperties()) {
      if (prop.flags & ts.SymbolFlags.Optional) continue;
      out[prop.name] = sampleType(tc, tc.getTypeOfSymbol(prop), depth + 1);
    }
    return out;
  }
  return {};
}

/** The members of the union type of `property` on the interface `owner` (e.g. ImageBlockParam.source). */
export function propertyMembers(file: string, owner: string, property: string): UnionMember[] {
  const { checker: tc } = checker();
  return propertyTypes(file, owner, property).map((member) => describeMember(tc, member));
}

/** The element members of an array-typed property, e.g. the block types a tool_result's `content` may hold. */
export function arrayElementMembers(file: string, owner: string, property: string): UnionMember[] {
  const { checker: tc } = checker();
  for (const member of propertyTypes(file, owner, property)) {
    if (!tc.isArrayType(member)) continue;
    const [element] = tc.getTypeArguments(member as ts.TypeReference);
    if (element) return (element.isUnion() ? element.types : [element]).map((m) => describeMember(tc, m));
  }
  throw new Error(`${owner}.${property} has no array form`);
}

function propertyTypes(file: string, owner: string, property: string): readonly ts.Type[] {
  const { checker: tc } = checker();
  const prop = declaredType(file, owner).getProperty(property);
  if (!prop) throw new Error(`${owner}.${property} is not declared`);
  const type = tc.getNonNullableType(tc.getTypeOfSymbol(prop));
  return type.isUnion() ? type.types : [type];
}

/** The string literals a property may take, e.g. the names a ServerToolUseBlockParam may carry. */
export function propertyLiterals(file: string, owner: string, property: string): string[] {
  return propertyTypes(file, owner, property).map(literalOf).filter((t): t is string => typeof t === 'string');
}
