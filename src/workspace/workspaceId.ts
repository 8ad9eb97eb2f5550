// The shape of a workspace id (the name of its rows in a shared database), said once for the settings'
// schema (config.ts) and for LEANOS_WORKSPACE_ID, which is read without loading zod (store/open.ts).

export const WORKSPACE_ID = /^[a-z][a-z0-9_]{0,39}$/;
export const WORKSPACE_ID_RULE =
  "must start with a letter and hold only lowercase letters, digits and underscores (at most 40)";
