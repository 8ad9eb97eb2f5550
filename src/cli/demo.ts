import { spawnSync } from "node:child_process";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pc from "picocolors";
import { toolPath } from "../files/toolRoot.js";
import { Runtime } from "../runtime/engine.js";
import { progressPrinter } from "./progress.js";
import { readEvent } from "./readEvent.js";

const SAMPLE_EVENT = join("events", "01-elsaai-deal-closed.md");

/** Copies the sample workspace (without runtime state or threads) into a new temp folder. */
export async function copySampleWorkspace(): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), "leanos-demo-"));
  const source = toolPath("examples", "workspace");
  await cp(source, target, {
    recursive: true,
    filter: (path) => !/[\\/](threads|\.leanos[\\/].*\.sqlite.*|\.leanos[\\/]audit\.jsonl)$/.test(path.slice(source.length)),
  });
  return target;
}

const say = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

/**
 * The demo: the closed-deal event runs through the six stages in this process; each approval is
 * given by a separate `leanos approve` process, which resumes the thread from its checkpoint.
 */
export async function runDemo(options: { json: boolean }): Promise<void> {
  const started = Date.now();
  const workspace = await copySampleWorkspace();
  say(pc.bold(`leanos demo: sample workspace (GlamYouUp) copied to ${workspace}`));
  // A git repository, so the approved canvas change shows up as a commit.
  const git = (...args: string[]) => spawnSync("git", ["-C", workspace, "-c", "user.name=leanos demo", "-c", "user.email=demo@localhost", ...args], { encoding: "utf8" });
  const isRepo = git("init", "--quiet").status === 0 && git("add", "-A").status === 0 && git("commit", "--quiet", "-m", "GlamYouUp sample workspace").status === 0;
  say(`Event: ${SAMPLE_EVENT}, drafted by the offline provider\n`);
  const runtime = await Runtime.open({ workspace, provider: "offline", onProgress: progressPrinter() });
  let result;
  try {
    const event = await readEvent({ file: join(workspace, SAMPLE_EVENT), today: new Date().toISOString().slice(0, 10) });
    result = await runtime.startEvent(event);
  } finally {
    runtime.close();
  }
  const approvals: string[] = [];
  while (result.state === "waiting") {
    const item = result.pending[0]!;
    say(`\n${pc.yellow("Waiting:")} ${item.question}\n  draft: ${item.draft}`);
    if (item.diff) say(pc.dim(item.diff.trimEnd()));
    say(pc.dim(`$ leanos approve ${result.thread}   (a new process resumes the thread from its checkpoint)`));
    const child = spawnSync(process.execPath, [toolPath("bin", "leanos.js"), "--workspace", workspace, "--json", "approve", result.thread], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, LEANOS_USER: "demo" },
    });
    if (child.status !== 0) throw new Error(`leanos approve exited with ${child.status}`);
    const answered = JSON.parse(child.stdout) as { state: typeof result.state; pending: typeof result.pending };
    approvals.push(item.question);
    result = { ...result, state: answered.state, pending: answered.pending };
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const lastCommit = isRepo ? git("log", "-1", "--format=%h %s").stdout.trim() : "";
  const summary = { workspace, thread: result.thread, state: result.state, approvals, folder: join(workspace, "threads", ...result.thread.split("/")), canvas_commit: lastCommit, seconds: Number(seconds) };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    [
      "",
      pc.bold(`Thread ${result.thread}: ${result.state} after ${approvals.length} approval(s), in ${seconds}s`),
      `Files:       ${summary.folder}`,
      ...(lastCommit ? [`Canvas:      git commit ${lastCommit}`] : []),
      `Morning page: node ${toolPath("bin", "leanos.js")} --workspace ${workspace} today`,
      `Look at it:  node ${toolPath("bin", "leanos.js")} --workspace ${workspace} status ${result.thread}`,
      "",
    ].join("\n"),
  );
}
