import { UsageError } from "../errors.js";
import type { RawEvent } from "../core/stageSchemas.js";

/** The default of max_event_kb in .leanos/config.yaml. */
export const DEFAULT_MAX_EVENT_KB = 256;

// One set of limits for an event, however it arrives: the CLI, the chat, the web, the SDK or
// LangGraph's server. They are checked where a thread is claimed, which every start goes through.

export interface EventLimits {
  /** The largest event text, in bytes (max_event_kb). */
  maxBytes: number;
  /** How many threads clients may start in an hour (max_events_per_hour); 0 means no limit. */
  perHour: number;
}

/** A lone surrogate: what JSON can carry (\ud800) and UTF-8 cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

/** The longest `source` and `file` an event may name. */
const MAX_LABEL = 500;

function checkLabel(name: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value.length > MAX_LABEL) throw new UsageError(`the event's ${name} is longer than ${MAX_LABEL} characters`);
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(value))
    throw new UsageError(`the event's ${name} must be one line without control characters`);
  if (!wellFormed(value))
    throw new UsageError(`the event's ${name} is not valid Unicode text (it holds a lone surrogate)`);
}

/** Refuses an event that is too large, not text, or names its source or file in more than a line. */
export function checkEvent(event: RawEvent, limits: Pick<EventLimits, "maxBytes">): void {
  const bytes = Buffer.byteLength(event.text, "utf8");
  if (bytes > limits.maxBytes) {
    throw new UsageError(
      `the event is larger than ${Math.round(limits.maxBytes / 1024)} KB (${Math.ceil(bytes / 1024)} KB); hand over a summary, or raise max_event_kb in .leanos/config.yaml`,
    );
  }
  const nul = event.text.indexOf("\u0000");
  if (nul >= 0)
    throw new UsageError(
      `the event holds a NUL character at line ${event.text.slice(0, nul).split("\n").length}: it is binary, not text`,
    );
  // JSON from an API client can carry what UTF-8 cannot: a lone surrogate (\ud800).
  if (!wellFormed(event.text))
    throw new UsageError("the event is not valid Unicode text (it holds a lone surrogate); send it as UTF-8");
  checkLabel("source", event.source);
  checkLabel("file", event.file);
}

/** Refuses one more client start when `started` threads were started in the last hour. */
export function checkEventCount(started: number, limits: Pick<EventLimits, "perHour">): void {
  if (limits.perHour > 0 && started >= limits.perHour) {
    throw new UsageError(
      `${started} events were handed over in the last hour, the most max_events_per_hour (.leanos/config.yaml) allows; try again later, or raise it`,
    );
  }
}
