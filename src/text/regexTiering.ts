import { setFlagsFromString } from "node:v8";

// The offline drafter runs chrono's date patterns (hundreds of large alternations) two or three
// times per event. V8 compiles a pattern to machine code on its second run, and compiling chrono's
// took some 120 ms of an event's 1.4 s (measured 2026-12-07, sample event 01, Node 20); interpreted,
// the few hundred characters of an event cost about 2 ms. A pattern now stays interpreted until its
// 100th run, so the ones that do run hot (in a server, a long pass) are still compiled. Matching is
// the same either way: only when V8 compiles changes. Imported before chrono, so its patterns see it.
setFlagsFromString("--regexp-tier-up-ticks=100");
