import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { UsageError } from "../errors.js";
import type { PendingItem } from "../core/threadMeta.js";

/** Opens the editable values in $EDITOR; returns what changed, or null when nothing did. */
export async function editInEditor(
  item: PendingItem,
  values: Record<string, unknown>,
  editor: string,
): Promise<Record<string, unknown> | null> {
  const dir = await mkdtemp(join(tmpdir(), "leanos-edit-"));
  const file = join(dir, `${item.kind}.yaml`);
  try {
    const before = toYaml(values);
    await writeFile(file, `# Edit the values, save and close. Fields: ${(item.fields ?? []).join(", ")}\n${before}`);
    const result = spawnSync(editor, [file], { stdio: "inherit", shell: true });
    if (result.status !== 0)
      throw new UsageError(`the editor (${editor}) exited with ${result.status}; nothing was changed`);
    let edited: unknown;
    try {
      edited = parseYaml(await readFile(file, "utf8"));
    } catch (error) {
      throw new UsageError(`the saved text is not valid YAML (${(error as Error).message}); nothing was changed`);
    }
    if (edited === null || typeof edited !== "object" || Array.isArray(edited))
      throw new UsageError("the saved text must be the values as YAML; nothing was changed");
    const changes = Object.fromEntries(
      Object.entries(edited).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(values[key])),
    );
    return Object.keys(changes).length > 0 ? changes : null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
