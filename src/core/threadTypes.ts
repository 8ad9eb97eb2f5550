// The thread types, in a module of their own so the CLI can read them without loading zod;
// schemas.ts builds the zod schemas of a type from these lists.
//
// LeanOS has three kinds of thread: sales, marketing, and business, which LeanOS later renamed
// `operations` (the same kind under another folder name). A workspace writes one of the two names:
// `operations` when it has a threads/operations/ folder and no threads/business/, else `business`
// (workspace/workspace.ts decides it once, when the workspace is opened). It reads both. A workspace
// may declare more types in its settings (`thread_types:` in .leanos/config.yaml, e.g. product,
// engineering); each runs the workspace's graph as a business thread does.

/** The kinds of thread LeanOS has, under their first names. */
export const BUILT_IN_TYPES = ["sales", "marketing", "business"] as const;
export type BuiltInType = (typeof BUILT_IN_TYPES)[number];

/** The two names of LeanOS's business kind: its first, and the one LeanOS uses now. */
export const BUSINESS_NAMES = ["business", "operations"] as const;
export type BusinessName = (typeof BUSINESS_NAMES)[number];

/** A thread type's name: a lower-case identifier (it names the folder threads/<type>/). */
export const TYPE_NAME = /^[a-z][a-z0-9_]{0,31}$/;
export const TYPE_NAME_RULE =
  "a thread type is a lower-case identifier: a letter, then letters, digits or underscores (at most 32)";

/** Names a declared type cannot take: the built-in ones (and the other name of business), and names of folders. */
export const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set([...BUILT_IN_TYPES, ...BUSINESS_NAMES, "threads"]);

/** The thread types of one workspace. */
export interface ThreadTypes {
  /** The name its business threads are written under (their folder and meta.json type). */
  readonly business: BusinessName;
  /** The types its settings declare (thread_types), in their order. */
  readonly declared: readonly string[];
  /** Every type it writes: sales, marketing, its business name, then the declared ones. */
  readonly names: readonly string[];
  /** Every type it reads: the names it writes, and the other name of business (its threads may still be there). */
  readonly known: readonly string[];
}

export function threadTypesOf(business: BusinessName, declared: readonly string[] = []): ThreadTypes {
  const names = ["sales", "marketing", business, ...declared];
  const other = business === "business" ? "operations" : "business";
  return { business, declared: [...declared], names, known: [...names, other] };
}

/** A workspace's types when it says nothing: the three LeanOS types, business under its first name. */
export const DEFAULT_THREAD_TYPES: ThreadTypes = threadTypesOf("business");

const isBusinessName = (name: string): name is BusinessName => (BUSINESS_NAMES as readonly string[]).includes(name);

/**
 * The type `name` is in this workspace: a name of business (either) is the name the workspace
 * writes; any other type it knows is itself; undefined for a type it does not know.
 */
export function canonicalType(types: ThreadTypes, name: string): string | undefined {
  if (isBusinessName(name)) return types.business;
  return types.names.includes(name) ? name : undefined;
}

/**
 * The LeanOS kind a thread of this type is drafted as: sales and marketing are their own, every
 * other type (business by either name, and the declared ones) is a business thread. Where leanos
 * goes by the kind (the offline drafter's rules, which kinds of event a follow-up starts), this is it.
 */
export function kindOfType(type: string): BuiltInType {
  return type === "sales" || type === "marketing" ? type : "business";
}

/** The types a person may give, as said in a message: "sales, marketing, business" and the declared ones. */
export function typesSaid(types: ThreadTypes): string {
  return types.names.join(", ");
}

/** Why `given` is not a thread type of the workspace, naming the types and the setting that declares more. */
export function unknownTypeMessage(types: ThreadTypes, given: string): string {
  const shown = JSON.stringify(given.length > 60 ? `${given.slice(0, 60)}...` : given);
  const other = types.business === "business" ? "operations" : "business";
  return `${shown} is not a thread type of this workspace (types: ${typesSaid(types)}; ${other} is taken as ${types.business}); declare another under thread_types in .leanos/config.yaml`;
}
