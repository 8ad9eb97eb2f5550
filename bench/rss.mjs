// Loaded with --import by bench/event.ts: reports the process's peak memory when it exits.
process.on("exit", () => {
  process.stderr.write(`\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
