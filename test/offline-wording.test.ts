import { describe, expect, it } from "vitest";
import { possessive, renderTitle, withoutDoubledWords } from "../src/files/plainTemplate.js";

// Titles and statements are templates filled in with names; they read as a person would write them.

describe("a title filled in with a name", () => {
  it("has no word twice in a row, whatever the name brings", () => {
    expect(renderTitle("Publish the {{org}} pieces on the blog", { org: "the customer" })).toBe(
      "Publish the customer pieces on the blog",
    );
    expect(renderTitle("Collect the {{org}} results", { org: "The Body Shop" })).toBe("Collect The Body Shop results");
    expect(withoutDoubledWords("the the the end")).toBe("the end");
  });

  it("keeps a name whose words repeat, and figures", () => {
    expect(withoutDoubledWords("Pilot with Bora Bora Resorts")).toBe("Pilot with Bora Bora Resorts");
    expect(withoutDoubledWords("4 4-packs shipped")).toBe("4 4-packs shipped");
  });
});

describe("a possessive", () => {
  it("is written once", () => {
    expect(possessive("Acme")).toBe("Acme's");
    expect(possessive("Acme's")).toBe("Acme's");
    expect(possessive("Acme Partners")).toBe("Acme Partners'");
    expect(possessive("Acme Partners'")).toBe("Acme Partners'");
  });
});
