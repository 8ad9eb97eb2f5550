// Who commits when git knows nobody (a fresh machine, CI): leanos itself, so a commit never fails
// for want of a name.
export const FALLBACK_GIT_IDENTITY = ["-c", "user.name=leanos", "-c", "user.email=leanos@localhost"] as const;
