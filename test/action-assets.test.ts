import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import matter from "gray-matter";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { actionView, renderAsset } from "../src/actions/view.js";
import { readCanvas, type Canvas } from "../src/canvas/canvas.js";
import { actionTemplates, loadSkills } from "../src/skills/loader.js";
import type { ActionTemplate, StageContext } from "../src/stages/context.js";
import type { PlannedAction, StageOutputs } from "../src/core/stageSchemas.js";
import { canvasOf, OTHER_COMPANY_SECTIONS } from "./fakes/otherCompany.js";
import { eventFile, repoRoot, runCli, sampleCopy, sampleWorkspace } from "./helpers.js";

// Every artifact leanos writes must parse with gray-matter, front-matter included, whatever the event
// said: a summary with ": ", quotes, "#", a line of "---" or a company called AT&T <Labs>.

const HOSTILE = "AT&T <Labs>: \"quoted\" #hash 'single' {x: [y]} | pipe & amp\n---\n- list: item\u007f\u2028 end";

type Outputs = Pick<StageOutputs, "input" | "hypothesis" | "implication" | "decision">;

function outputs(text: (plain: string) => string, withFacts: boolean): Outputs {
  return {
    input: {
      title: text("ElsaAI deal closed at $1.1M ARR"),
      summary: text("ElsaAI signed a white-label contract worth $1.1M ARR: returns fell by 38%."),
      type: "sales",
      occurred_on: "2026-11-16",
      source: text("Signed contract"),
      facts: withFacts
        ? [
            { kind: "money", text: text("$1.1M ARR contract"), value: 1_100_000 },
            { kind: "percent", text: text("38% return reduction: measured"), value: 38 },
            { kind: "date", text: text("Contract signed on 2026-11-16") },
          ]
        : [],
      organizations: [text("ElsaAI")],
      people: [text("Giulia Ferraro (CDO)")],
      segment: text("luxury-fashion"),
    },
    hypothesis: {
      tests: withFacts
        ? [
            {
              assumption_id: "A4",
              title: text("Luxury brands prefer a white-label SDK"),
              direction: "validates",
              previous_confidence: 60,
              proposed_confidence: 85,
              evidence: text("5 of 5: luxury on white-label"),
            },
          ]
        : [],
      summary: text("A4 rises."),
    },
    implication: {
      mode: "VENTURE",
      factors: [
        { name: "strategic value", score: 0.9, rationale: text("A fifth logo: references.") },
        { name: "market size", score: 0.7, rationale: text("Luxury: $290M SAM.") },
        { name: "defensibility", score: 0.85, rationale: text("Fit data.") },
      ],
      impact_score: 0.82,
      quantified: [],
      risks: [text("Sign-off needed: 38% is not public yet.")],
      dependencies: [],
      timeline: text("30 days"),
    },
    decision: {
      verdict: "PROCEED",
      statement: text("PROCEED: a case study."),
      alternatives: [
        { option: text("Wait"), reason: text("Delay: no.") },
        { option: text("Post the figure"), reason: text("Breaks rules: no.") },
      ],
      rationale: text("Impact 0.82: strategic value."),
      actions: [],
      status: "accepted",
      impact_score: 0.82,
      human_flagged: true,
      scope: { includes: [], excludes: [] },
      success_metrics: [],
      expected_outcomes: { month_3: [], month_6: [], month_12: [] },
      accountability: null,
    },
  };
}

function withCompany(canvas: Canvas, company: string): Canvas {
  const context = canvas.roles.get("context")!;
  // companyName() reads the **Company:** line of the context section first.
  const named = { ...context, text: `**Company:** ${company}\n\n${context.text}` };
  return {
    ...canvas,
    sections: new Map(canvas.sections).set(context.id, named),
    roles: new Map(canvas.roles).set("context", named),
  };
}

function contextFor(canvas: Canvas, data: Outputs, text: (plain: string) => string): StageContext {
  // actionView reads the thread, the event, the canvas and the earlier outputs; nothing else.
  return {
    thread: "sales/elsaai-deal-closed",
    type: "sales",
    today: "2026-11-20",
    event: { text: text("ElsaAI deal closed: $1.1M ARR"), date: "2026-11-18", source: text("contract.pdf") },
    canvas,
    workspaceRoot: sampleWorkspace,
    outputs: data,
  } as StageContext;
}

function actionOf(template: ActionTemplate): PlannedAction {
  return {
    id: "act-1",
    type: template.action.type,
    title: "Draft: the case study",
    owner: template.action.owner,
    human_required: template.action.human_required,
    due: "2026-12-01",
    status: "pending",
  };
}

async function assetsOf(template: ActionTemplate): Promise<Array<{ name: string; text: string }>> {
  const dir = join(template.dir, "assets");
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith(".md")).sort();
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), "utf8") })));
}

describe("action asset templates", async () => {
  const skills = await loadSkills([{ dir: join(repoRoot, "skills"), origin: "tool" }]);
  const templates = [...actionTemplates(skills).values()];
  const canvas = await readCanvas(join(sampleWorkspace, "strategy", "canvas"));
  const cases = [
    { label: "the sample deal", canvas, data: outputs((plain) => plain, true), text: (plain: string) => plain },
    {
      label: "hostile text in every field",
      canvas: withCompany(canvas, "AT&T <Labs>"),
      data: outputs((plain) => `${plain} ${HOSTILE}`, true),
      text: (plain: string) => `${plain} ${HOSTILE}`,
    },
    {
      label: "an event with no facts and no assumptions",
      canvas,
      data: outputs((plain) => plain, false),
      text: (plain: string) => plain,
    },
  ];

  it("are found: every action type with assets, the marketing pieces among them", async () => {
    const names = (await Promise.all(templates.map(assetsOf))).flat().map((asset) => asset.name);
    expect(names).toEqual(
      expect.arrayContaining(["case-study.md", "email.md", "linkedin-post.md", "blog.md", "call-script.md"]),
    );
  });

  it.each(cases)(
    "render to markdown that gray-matter parses, front-matter included: $label",
    async ({ canvas: theCanvas, data, text }) => {
      const context = contextFor(theCanvas, data, text);
      for (const template of templates) {
        const action = actionOf(template);
        for (const asset of await assetsOf(template)) {
          const rendered = renderAsset(asset.text, actionView(context, action, template, [action]));
          const where = `${template.action.type} ${asset.name}`;
          let parsed: matter.GrayMatterFile<string> | undefined;
          expect(() => (parsed = matter(rendered, {})), where).not.toThrow();
          if (rendered.startsWith("---")) expect(Object.keys(parsed!.data).length, where).toBeGreaterThan(0);
          // Markdown, not HTML: nothing is written as an entity.
          expect(rendered, where).not.toMatch(/&(amp|lt|gt|quot|#39|#x2F|#x60|#x3D);/);
        }
      }
    },
  );

  it("keep every value whole in the front-matter of the marketing pieces", async () => {
    const text = (plain: string): string => `${plain} ${HOSTILE}`;
    const context = contextFor(withCompany(canvas, "AT&T <Labs>"), outputs(text, true), text);
    const create = templates.find((template) => template.action.type === "marketing:create")!;
    const action = actionOf(create);
    const view = actionView(context, action, create, [action]);
    const assets = new Map(
      (await assetsOf(create)).map((asset) => [asset.name, matter(renderAsset(asset.text, view), {})]),
    );
    const figure = text("38% return reduction: measured");
    expect(assets.get("case-study.md")!.data).toMatchObject({
      campaign: "elsaai-deal-closed",
      segment: text("luxury-fashion"),
      "figures used": [
        { figure, source: text("contract.pdf"), "sign-off": `pending from ${text("ElsaAI")}` },
        { figure: text("$1.1M ARR contract") },
      ],
    });
    expect(assets.get("case-study.md")!.data["internal notes (not for publication)"]).toEqual([
      `event: ${text("ElsaAI signed a white-label contract worth $1.1M ARR: returns fell by 38%.")}`,
      `A4 ${text("Luxury brands prefer a white-label SDK")} (validates): ${text("5 of 5: luxury on white-label")}`,
    ]);
    expect(assets.get("email.md")!.data["internal notes (not for publication)"]).toBe(
      text("ElsaAI signed a white-label contract worth $1.1M ARR: returns fell by 38%."),
    );
    expect(assets.get("linkedin-post.md")!.data["figures used"]).toEqual([
      { figure, "sign-off": `pending from ${text("ElsaAI")}` },
    ]);
    // The company's name is written as it is, where the text names the company.
    expect(assets.get("case-study.md")!.content).toContain("started with AT&T <Labs> on a defined scope");
  });

  it("read right for a company that is not the sample: its own names and canvas, none of the sample's product or market words", async () => {
    const other = canvasOf(OTHER_COMPANY_SECTIONS);
    const data = outputs((plain) => plain, true);
    // A thread of the other company: its customer, segment, figures and assumption.
    const thread: Outputs = {
      ...data,
      input: {
        ...data.input!,
        title: "Halvard Medical renewed",
        summary: "Halvard Medical renewed for three years after a quarter with no audit finding.",
        facts: [
          { kind: "money", text: "$240K a year", value: 240_000 },
          { kind: "percent", text: "40% faster labeling updates", value: 40 },
        ],
        organizations: ["Halvard Medical"],
        people: ["Noor Haddad"],
        segment: "device-makers",
      },
      hypothesis: {
        tests: [
          {
            assumption_id: "A2",
            title: "Regulatory buyers pay for reviewed translation",
            direction: "validates",
            previous_confidence: 50,
            proposed_confidence: 70,
            evidence: "Renewed at the reviewed rate.",
          },
        ],
        summary: "A2 rises.",
      },
      implication: {
        ...data.implication!,
        factors: [{ name: "strategic value", score: 0.6, rationale: "A reference client." }],
        risks: ["The client has not cleared the figure for publication."],
      },
      decision: { ...data.decision!, statement: "PROCEED: a case study.", rationale: "Impact 0.6." },
    };
    const context = {
      ...contextFor(other, thread, (plain) => plain),
      thread: "sales/halvard-medical-renewed",
      event: { text: "Halvard Medical renewed", date: "2026-11-18", source: "renewal.pdf" },
    } as StageContext;
    const rendered = new Map<string, string>();
    for (const template of templates) {
      const action = actionOf(template);
      for (const asset of await assetsOf(template))
        rendered.set(
          `${template.action.type} ${asset.name}`,
          renderAsset(asset.text, actionView(context, action, template, [action])),
        );
    }
    const SAMPLE_WORDS =
      /try-on|garment|shopper|fashion|luxury|sizing|\breturns?\b|\bSKUs?\b|holdout|white-label|co-branded|product page|GlamYouUp|ElsaAI/i;
    for (const [where, text] of rendered) expect(text.match(SAMPLE_WORDS)?.[0], where).toBeUndefined();
    // What is specific comes from the thread and the canvas.
    expect(rendered.get("marketing:create case-study.md")).toContain("# Halvard Medical: 40% faster labeling updates");
    expect(rendered.get("marketing:create case-study.md")).toContain(
      "started with Lingotrue Translations on a defined scope",
    );
    expect(rendered.get("marketing:create case-study.md")).toContain("- Terminology drift");
    expect(rendered.get("marketing:research research-brief.md")).toContain(
      "`device-makers` (Medical-device manufacturers)",
    );
    expect(rendered.get("marketing:research research-brief.md")).toContain(
      "- One sentence (the canvas's UVP section): Regulated translation that passes audits",
    );
    expect(rendered.get("sales:qualify call-script.md")).toContain(
      "- **Audit exposure:** Is this a problem at Halvard Medical?",
    );
    expect(rendered.get("sales:qualify call-script.md")).toContain(
      "(the usual buying centre, from the canvas's segments section: Head of Regulatory Affairs (economic buyer)",
    );
    expect(rendered.get("sales:demo pitch-outline.md")).toContain(
      "| They already use: Generalist agencies | Where it falls short (the canvas's problem section): Rotating linguists, weak subject review.",
    );
    expect(rendered.get("sales:demo pitch-outline.md")).toContain(
      "- **Message for this segment:** Labeling your notified body never questions.",
    );
    expect(rendered.get("sales:pilot pilot-checklist.md")).toContain(
      "- Proof on record for this segment: zero translation findings",
    );
  });
});

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(dir, path)));
    else found.push(path);
  }
  return found;
}

describe("artifacts of a real run", () => {
  it("all parse: markdown with gray-matter, JSON and YAML with their parsers", async () => {
    const workspace = await sampleCopy();
    expect(
      (await runCli(["--workspace", workspace, "-q", "event", "--file", eventFile("01-elsaai-deal-closed.md")]))
        .exitCode,
    ).toBe(0);
    // The decision accepted, the actions draft the research brief, the case study, the email and the post.
    expect((await runCli(["--workspace", workspace, "-q", "pending"])).exitCode).toBe(0);
    const approved = await runCli(["--workspace", workspace, "-q", "approve", "elsaai"]);
    expect(approved.exitCode, approved.stderr).toBe(0);
    const written = [
      ...(await filesUnder(join(workspace, "artifacts"))).map((path) => join("artifacts", path)),
      ...(await filesUnder(join(workspace, "threads"))).map((path) => join("threads", path)),
    ];
    expect(written).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/case-study\.md$/),
        expect.stringMatching(/email\.md$/),
        expect.stringMatching(/linkedin-post\.md$/),
      ]),
    );
    for (const path of written) {
      const text = await readFile(join(workspace, path), "utf8");
      if (path.endsWith(".md")) expect(() => matter(text, {}), path).not.toThrow();
      else if (path.endsWith(".json")) expect(() => JSON.parse(text) as unknown, path).not.toThrow();
      else if (/\.ya?ml$/.test(path)) expect(() => parseYaml(text) as unknown, path).not.toThrow();
    }
  });
});
