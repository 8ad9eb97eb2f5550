import type { PassWorld } from "./passWorld.js";
import { attribute } from "./attribution.js";
import type { TodayCollector } from "./today.js";

// The two ways a pass (pass.ts) ties threads to campaigns: a marketing thread proposed when enough
// sales learnings validate one assumption, and each new lead linked to the campaign its event names.

/** How many sales learnings must validate one assumption before a campaign is proposed. */
export const PATTERN_THRESHOLD = 3;
/** How many source threads a proposal links (the count behind it may be larger). */
const MAX_PATTERN_SOURCES = 10;

export interface CampaignProposal {
  pattern: string;
  thread: string;
  sources: string[];
}

export interface LeadLink {
  thread: string;
  campaign: string;
}

/** What the pass's steps share: whether to stop after the step in hand, and where to say what they do. */
export interface PassStep {
  control: { stopping: boolean };
  log: (line: string) => void;
}

/** A marketing thread for each assumption enough sales learnings validated, once per pattern; each added to the page. */
export async function proposeCampaigns(
  world: PassWorld,
  today: string,
  collector: TodayCollector,
  { control, log }: PassStep,
): Promise<CampaignProposal[]> {
  const proposed: CampaignProposal[] = [];
  const patternsTaken = new Set(await world.store.index.patternKeys());
  for (const { assumption: id, count, sources } of await world.store.index.validations(
    PATTERN_THRESHOLD,
    MAX_PATTERN_SOURCES,
  )) {
    const key = `validated:${id}`;
    if (control.stopping || patternsTaken.has(key)) continue;
    // The canvas (with LangGraph and the drafter) is opened only when there is a campaign to propose.
    const runtime = await world.runtime();
    const assumption = runtime.canvas.assumptions.find((candidate) => candidate.id === id);
    const linked = [...sources].sort();
    const text = [
      `Campaign proposal: ${count} sales learnings validated ${id}${assumption ? ` (${assumption.title})` : ""}.`,
      `Source threads: ${linked.map((thread) => `threads/${thread}`).join(", ")}.`,
      "Pattern across threads: a campaign can tell this story with the customers' numbers.",
    ].join(" ");
    log(`pattern ${key}: proposing a campaign from ${linked.join(", ")}`);
    const result = await runtime.startEvent(
      { text, date: today, source: `leanos pass (${key})`, origin: { kind: "pattern", threads: linked } },
      "marketing",
      undefined,
      { key, sources: linked },
    );
    proposed.push({ pattern: key, thread: result.thread, sources: linked });
    collector.add((await runtime.resolve(result.thread)).meta);
  }
  return proposed;
}

/** Links each new lead to the campaign it names, once; a lead whose thread is busy elsewhere is added to `busy`. */
export async function attributeLeads(
  world: PassWorld,
  leads: ReadonlyArray<{ thread: string; text: string }>,
  busy: string[],
  { control, log }: PassStep,
): Promise<LeadLink[]> {
  const attributed: LeadLink[] = [];
  const campaigns = new Map<string, string>();
  if (leads.length === 0) return attributed;
  const runtime = await world.runtime();
  for (const thread of await runtime.store.index.namesOfType("marketing")) campaigns.set(thread.split("/")[1]!, thread);
  for (const lead of leads) {
    if (control.stopping) break;
    const campaign = campaignNamedIn(lead.text, campaigns);
    if (!(await attribute(runtime.parts, lead.thread, campaign))) {
      if (!busy.includes(lead.thread)) busy.push(lead.thread);
      continue;
    }
    if (!campaign) continue;
    attributed.push({ thread: lead.thread, campaign });
    log(`attributed ${lead.thread} to ${campaign}`);
  }
  return attributed;
}

/** The campaigns a lead's event names: by slug, or as utm_campaign. */
function campaignNamedIn(text: string, campaigns: ReadonlyMap<string, string>): string | undefined {
  const lower = text.toLowerCase();
  const utm = /utm_campaign=([a-z0-9-]+)/.exec(lower)?.[1];
  if (utm && campaigns.has(utm)) return campaigns.get(utm);
  for (const [slug, thread] of campaigns) if (lower.includes(slug)) return thread;
  return undefined;
}
