import { describe, expect, it } from "vitest";
import { publishableParts, unpublishableReason } from "../src/actions/publishable.js";

// The publishable-body rule (src/actions/publishable.ts): what stands between a `<!-- publish -->`
// line and a `<!-- /publish -->` line is sent; nothing else in the file is, and a part that still
// holds a placeholder is not sendable.

const FILE = "artifacts/marketing/campaigns/acme/linkedin.md";

const post = (...body: string[]): string =>
  [
    "---",
    "drafted_by: offline",
    "model: rules-v1",
    "---",
    "channel: linkedin (company page)",
    "status: waiting for approval",
    "",
    "<!-- publish -->",
    ...body,
    "<!-- /publish -->",
    "",
    "## Before you approve",
    "- [ ] The figures match the readout.",
    "- Publish it: `leanos approve sales/acme`",
    "",
  ].join("\n");

describe("the publishable parts of a document", () => {
  it("are the lines between the marks, without the blank lines at either end; front matter and notes stay out", () => {
    const { parts, problems } = publishableParts(
      FILE,
      post("", "22% fewer returns.", "", "Full case study: https://acme.test/stories/acme?utm_source=linkedin", ""),
    );
    expect(problems).toEqual([]);
    expect(parts).toEqual([
      {
        day: 0,
        line: 8,
        body: "22% fewer returns.\n\nFull case study: https://acme.test/stories/acme?utm_source=linkedin\n",
      },
    ]);
  });

  it("are scheduled by their mark: `<!-- publish day N -->` goes out N days after the approval", () => {
    const text = [
      "# Promotion",
      "<!-- publish day 2 -->",
      "The number.",
      "<!-- /publish -->",
      "## Day 9",
      "<!-- publish day 9 -->",
      "The story.",
      "<!-- /publish -->",
    ].join("\n");
    expect(publishableParts(FILE, text).parts.map((part) => [part.day, part.body])).toEqual([
      [2, "The number.\n"],
      [9, "The story.\n"],
    ]);
  });

  it("keep markdown links and images: they are text to publish, not placeholders", () => {
    const { problems } = publishableParts(
      FILE,
      post("Read [the case study](https://acme.test/s) and see ![the chart](https://acme.test/c.png)."),
    );
    expect(problems).toEqual([]);
  });

  it.each([
    [
      "bracketed text",
      "→ [Result to be added once Acme signs off the readout.]",
      "[Result to be added once Acme signs off the readout.]",
    ],
    ["a link still to be made", "Full case study: [tracked link]", "[tracked link]"],
    ["a checkbox", "- [ ] checked with legal", "[ ]"],
    ["a blank to write on", "Signed by ______ on the 3rd.", "______"],
    ["a template tag left unrendered", "Thanks to {{org}}.", "{{org}}"],
    ["a note in an HTML comment", "Great quarter. <!-- check with Bella -->", "<!-- check with Bella -->"],
  ])("are not sendable while they hold %s, which is named with its file and line", (_what, line, placeholder) => {
    const { problems } = publishableParts(FILE, post("First line.", line));
    expect(problems).toEqual([
      { file: FILE, line: 10, placeholder, problem: `still holds the placeholder "${placeholder}"` },
    ]);
    expect(unpublishableReason(problems)).toBe(
      `${FILE} line 10 still holds the placeholder "${placeholder}": fill it in by editing the file, then accept again; nothing was sent`,
    );
  });

  it.each([
    [
      "no mark at all",
      "Just a post, unmarked.\n",
      /has no publishable part: mark the text to send with <!-- publish --> and <!-- \/publish -->/,
    ],
    ["a mark never closed", "<!-- publish -->\nText.\n", /line 1 opens a publishable part that is never closed/],
    [
      "a part opened inside another",
      "<!-- publish -->\nA.\n<!-- publish day 2 -->\nB.\n<!-- /publish -->\n",
      /line 3 opens a publishable part inside the one opened at line 1/,
    ],
    ["a close with no open", "Text.\n<!-- /publish -->\n", /line 2 closes a publishable part that was never opened/],
    [
      "a mark it cannot read",
      "<!-- Publish: now -->\nText.\n<!-- /publish -->\n",
      /line 1 has a publish mark leanos cannot read/,
    ],
    [
      "two parts for the same day",
      "<!-- publish -->\nA.\n<!-- /publish -->\n<!-- publish -->\nB.\n<!-- /publish -->\n",
      /line 4 has two publishable parts for day 0/,
    ],
    ["an empty part", "<!-- publish -->\n\n<!-- /publish -->\n", /line 1 has an empty publishable part/],
  ])("refuse %s: a mistake in the marks never sends more than was marked", (_what, text, says) => {
    const { problems } = publishableParts(FILE, text);
    expect(
      problems.map((problem) => `${problem.line ? `line ${problem.line} ` : ""}${problem.problem}`).join("; "),
    ).toMatch(says);
  });
});
