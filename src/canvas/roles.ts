// The roles a canvas section can have (canvas/layouts.yaml names the files of each), listed without
// zod for what reads skills on the read path (skills/loader.ts); layouts.ts makes the schema of them.

export const CANVAS_ROLES = [
  "mode",
  "context",
  "mission",
  "constraints",
  "opportunity",
  "segments",
  "problem",
  "competitive",
  "uvp",
  "advantage",
  "solution",
  "channels",
  "assumptions",
  "revenue",
  "costs",
  "metrics",
  "growth",
  "risks",
  "gtm",
] as const;
