import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sampleCopy } from "../helpers.js";

describe("LEANOS_DEBUG=1", () => {
  it("adds the stack to the one-line message; without it there is none", async () => {
    const workspace = await sampleCopy();
    await rm(join(workspace, ".leanos", "config.yaml"));
    await mkdir(join(workspace, ".leanos", "config.yaml"));
    const plain = await runCli(["--workspace", workspace, "status"]);
    expect(plain.exitCode).toBe(2);
    // One line (runCli drops the final newline), and nothing more.
    expect(plain.stderr).toBe("leanos: .leanos/config.yaml: is a folder; a file was expected here");
    const debug = await runCli(["--workspace", workspace, "status"], { env: { LEANOS_DEBUG: "1" } });
    expect(debug.exitCode).toBe(2);
    expect(debug.stderr).toMatch(
      /^leanos: \.leanos\/config\.yaml: is a folder; a file was expected here\nFileProblem: /,
    );
    // The stack names the TypeScript source, through the bundle's source maps.
    expect(debug.stderr).toMatch(/^\s+at readText \(.*src\/files\/readText\.ts:\d+:\d+\)$/m);
  });
});
