import type { PromptBasis } from "../../stages/drafter.js";
import type { RawEvent, StageContext } from "../../stages/context.js";
import type { StageOutputs } from "../../core/stageSchemas.js";
import { companyName } from "../../canvas/canvas.js";
import type { Classification, DraftRequest, RuleRequest, StageDrafter } from "../../stages/drafter.js";
import { proposeOffline } from "./proposer.js";
import { extractNames } from "../../text/extract.js";
import { draftActions } from "./actions.js";
import { draftDecision } from "./decision.js";
import { draftHypothesis } from "./hypothesis.js";
import { draftImplication } from "./implication.js";
import { draftInput } from "./input.js";
import { draftLearning } from "./learning.js";
import { draftSections } from "./sections.js";
import { eventTitle, readReport } from "../../text/reading.js";
import { detectKind, namesDealValue, threadTypeOf } from "./rules.js";
import { canonicalType, DEFAULT_THREAD_TYPES } from "../../core/threadTypes.js";
import { taughtType } from "./learned.js";

// The offline provider: a deterministic drafter that does each stage's work by rules from the event
// text and the canvas (each stage's in its own module). No network; the same input always gives the
// same draft.

export class OfflineDrafter implements StageDrafter {
  readonly provider = "offline";
  readonly model = "rules-v1";

  async classify(event: RawEvent, basis: PromptBasis): Promise<Classification> {
    const reading = readReport(event.text);
    const kind = detectKind(reading, event.origin);
    const namesAccount = extractNames(reading.text, companyName(basis.canvas)).organizations.length > 0;
    // The rules read a LeanOS kind (business as such: the claim names it as the workspace does); a
    // type the memory teaches is taken while the workspace still knows it.
    const type = threadTypeOf(kind, namesAccount, namesDealValue(reading.text));
    const taught = taughtType(basis.lessons, event.text)?.value;
    const known =
      taught !== undefined && canonicalType(basis.threadTypes ?? DEFAULT_THREAD_TYPES, taught) !== undefined;
    return { type: known ? taught : type, title: eventTitle(reading, event.text) };
  }

  async proposeRule(request: RuleRequest): Promise<{ candidate: unknown }> {
    return { candidate: proposeOffline(request) };
  }

  async draft(request: DraftRequest): Promise<{ output: unknown }> {
    const drafts: { [K in keyof StageOutputs]: (context: StageContext) => StageOutputs[K] } = {
      input: draftInput,
      hypothesis: draftHypothesis,
      implication: draftImplication,
      decision: draftDecision,
      actions: draftActions,
      learning: draftLearning,
      sections: draftSections,
    };
    return { output: drafts[request.schemaName](request.context) };
  }
}
