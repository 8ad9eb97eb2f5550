/** What an AI action lacks to run: why it cannot, and what would let it. */
export interface MissingInput {
  /** e.g. "no ICP to score the lead against: research/customer/icp/ is empty" */
  reason: string;
  /** e.g. "add one {segment}-icp.yaml per segment ..., and accept to score the lead again" */
  add: string;
  /** It is a hard constraint of strategy/values.md the action would break, not an input it lacks. */
  values?: true;
}
