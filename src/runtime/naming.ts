import { RuntimeFailure } from "../errors.js";
import type { StageDrafter } from "../stages/drafter.js";

// A new event's thread is named by its drafter's reading (the type and title, one model call for a
// model drafter) before its folder can be claimed. When that call fails (the model's server is down,
// its answer is unusable) the event must not be lost with it: the person would have to type it again,
// and `leanos resume` would have nothing to resume. So the thread is named by the offline rules
// instead, claimed, and marked failed with the model's error; resuming it drafts every stage with the
// thread's own model, which by then may answer. The price is a name (and, without --type, a type)
// read by rules rather than by the model, which the failure message says.

/** The drafter a thread is named with, and what went wrong when it had to fall back on the offline rules. */
export interface Naming {
  drafter: StageDrafter;
  /** The model's failure, once the offline rules named the thread in its place. */
  failure(): RuntimeFailure | undefined;
}

export function namingWith(drafter: StageDrafter): Naming {
  let failed: RuntimeFailure | undefined;
  const named: StageDrafter = {
    // The thread is still the model's: meta.json records it, and resume drafts with it.
    provider: drafter.provider,
    model: drafter.model,
    classify: async (event, basis) => {
      try {
        return await drafter.classify(event, basis);
      } catch (error) {
        // Anything else (a bug, a file that cannot be read) is not the model's to excuse.
        if (!(error instanceof RuntimeFailure)) throw error;
        failed = error;
        const { OfflineDrafter } = await import("../llm/offline/drafter.js");
        return new OfflineDrafter().classify(event, basis);
      }
    },
    draft: (request) => drafter.draft(request),
  };
  return { drafter: named, failure: () => failed };
}
