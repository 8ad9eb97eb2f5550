import { mkdir, readFile, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";
import { cliPath, tempDir } from "./helpers.js";

// Running a command leanos printed the way a person does: pasted into a shell. `leanos` on the PATH
// is the real CLI behind a shim that notes the arguments each run received, so a test can tell
// whether the shell passed on what the line says ("$40K" in double quotes reaches leanos as "0K").

/** What shows that a printed command is wrong about leanos itself (not a refusal it means to give). */
export const WRONG_COMMAND =
  /is not a field|unknown option|unknown command|too many arguments|missing required argument|not valid JSON|is not an outcome|unknown thread|ambiguous|syntax error|command not found/i;

export interface Shell {
  /** Runs `line` with bash -c, as pasted, in `cwd`, with `home` as HOME; stdin is empty. */
  run(
    line: string,
    options: { cwd: string; home: string; env?: Record<string, string>; until?: RegExp; timeoutMs?: number },
  ): Promise<ShellRun>;
}

export interface ShellRun {
  exitCode: number | undefined;
  /** The signal that ended it: a long-running command is stopped with SIGTERM once it printed `until`. */
  signal: string | undefined;
  output: string;
  /** The arguments each leanos run received, in order. */
  received: string[][];
}

/** A shell whose PATH finds `leanos`: the repository's bin/leanos.js, through the shim. */
export async function leanosShell(): Promise<Shell> {
  const dir = await tempDir("leanos-shell-");
  const bin = join(dir, "bin");
  await mkdir(bin);
  const shim = join(dir, "argv.mjs");
  await writeFile(
    shim,
    `import { appendFileSync } from "node:fs";\nif (process.env.LEANOS_ARGV_LOG) appendFileSync(process.env.LEANOS_ARGV_LOG, JSON.stringify(process.argv.slice(2)) + "\\n");\nawait import(${JSON.stringify(pathToFileURL(cliPath).href)});\n`,
  );
  await writeFile(
    join(bin, "leanos"),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(shim)} "$@"\n`,
  );
  await chmod(join(bin, "leanos"), 0o755);
  let runs = 0;
  return {
    async run(line, { cwd, home, env = {}, until, timeoutMs = 120_000 }) {
      runs += 1;
      const log = join(dir, `argv-${runs}.jsonl`);
      await mkdir(join(home, "tmp"), { recursive: true });
      const child = execa("bash", ["-c", line], {
        cwd,
        reject: false,
        input: "",
        all: true,
        timeout: timeoutMs,
        extendEnv: true,
        env: {
          HOME: home,
          TMPDIR: join(home, "tmp"),
          PATH: `${bin}:${process.env.PATH ?? ""}`,
          LEANOS_ARGV_LOG: log,
          LEANOS_USER: "bella",
          LEANOS_WORKSPACE: "",
          LEANOS_SERVER_URL: "",
          LEANOS_DATABASE_URL: "",
          ANTHROPIC_API_KEY: "",
          NO_COLOR: "1",
          ...env,
        },
      });
      if (until) {
        let seen = "";
        child.all?.on("data", (chunk: Buffer) => {
          seen += chunk.toString("utf8");
          if (until.test(seen)) child.kill("SIGTERM");
        });
      }
      const result = await child;
      const received = await readFile(log, "utf8").then(
        (text) =>
          text
            .split("\n")
            .filter(Boolean)
            .map((entry) => JSON.parse(entry) as string[]),
        () => [],
      );
      return {
        exitCode: result.exitCode,
        signal: result.signal ?? undefined,
        output: String(result.all ?? ""),
        received,
      };
    },
  };
}

/**
 * The arguments of each leanos run in `line` as a person reads them: words split at spaces, quotes
 * taken off, nothing expanded ("$40K" is $40K) but a leading ~, which everyone reads as `home`.
 * Undefined for a line that expands on purpose, $(...).
 */
export function argumentsAsPrinted(line: string, home: string): string[][] | undefined {
  if (line.includes("$(")) return undefined;
  const runs: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    const command = words.findIndex((candidate) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(candidate));
    if (command >= 0 && words[command] === "leanos") {
      const args = words.slice(command + 1);
      const redirect = args.findIndex((arg) => /^(\d?>>?|<|\d?>&\d)/.test(arg));
      runs.push(redirect < 0 ? args : args.slice(0, redirect));
    }
    words = [];
  };
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && '"\\$`'.includes(line[index + 1] ?? "")) word += line[(index += 1)]!;
      else word += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      word ??= "";
    } else if (char === "\\") {
      word = (word ?? "") + (line[(index += 1)] ?? "");
    } else if (char === "#" && word === undefined) {
      break;
    } else if (char === "~" && word === undefined && /^(\/|\s|$)/.test(line.slice(index + 1))) {
      word = home;
    } else if (char === "|" || char === ";" || char === "&") {
      endCommand();
      if (line[index + 1] === char) index += 1;
    } else if (/\s/.test(char)) {
      endWord();
    } else {
      word = (word ?? "") + char;
    }
  }
  endCommand();
  return runs;
}

/** The commands a markdown text tells a person to run: each `leanos ...` in backticks. */
export function commandsIn(markdown: string): string[] {
  return [...markdown.matchAll(/`(leanos [^`\n]+)`/g)].map((match) => match[1]!);
}
