import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { RuntimeFailure } from "../src/errors.js";
import type { DocumentsToWrite, PromptBasis } from "../src/stages/drafter.js";
import type { Classification, DraftRequest, ModelUsage, StageDrafter } from "../src/stages/drafter.js";
import type { RawEvent } from "../src/stages/context.js";

// A model's answers in an eval run, kept in a file so the run can be scored again later without the
// model (`npm run eval -- --replay FILE`): a real model's run is paid for once and compared with
// later drafters, or re-scored when the dataset's expectations change.

const Answer = z.object({
  /** The event the answer belongs to (a hash of its text). */
  event: z.string(),
  /** classify, documents, or the stage's output schema name. */
  call: z.string(),
  output: z.unknown(),
  problem: z.string().optional(),
});

export const Recording = z.object({
  provider: z.string(),
  model: z.string(),
  recorded_at: z.string(),
  answers: z.array(Answer),
});
export type Recording = z.infer<typeof Recording>;

const eventKey = (event: RawEvent): string => createHash("sha256").update(event.text).digest("hex").slice(0, 16);

/** Passes every call to `inner` and keeps each answer. */
export class RecordingDrafter implements StageDrafter {
  readonly provider: string;
  readonly model: string;
  readonly answers: Recording["answers"] = [];

  constructor(private readonly inner: StageDrafter) {
    this.provider = inner.provider;
    this.model = inner.model;
    if (inner.writeDocuments) this.writeDocuments = (request) => this.documents(request);
  }

  writeDocuments?: StageDrafter["writeDocuments"];

  async classify(event: RawEvent, basis: PromptBasis): Promise<Classification & { usage?: ModelUsage }> {
    const answer = await this.inner.classify(event, basis);
    this.answers.push({ event: eventKey(event), call: "classify", output: { type: answer.type, title: answer.title } });
    return answer;
  }

  async draft(request: DraftRequest): Promise<{ output: unknown; problem?: string; usage?: ModelUsage }> {
    const answer = await this.inner.draft(request);
    this.answers.push({
      event: eventKey(request.context.event),
      call: request.schemaName,
      output: answer.output,
      ...(answer.problem ? { problem: answer.problem } : {}),
    });
    return answer;
  }

  private async documents(request: DocumentsToWrite) {
    const answer = await this.inner.writeDocuments!(request);
    this.answers.push({
      event: eventKey(request.context.event),
      call: "documents",
      output: Object.fromEntries(answer.texts),
    });
    return answer;
  }

  async save(file: string): Promise<void> {
    const recording: Recording = {
      provider: this.provider,
      model: this.model,
      recorded_at: new Date().toISOString(),
      answers: this.answers,
    };
    await writeFile(file, `${JSON.stringify(recording, null, 2)}\n`);
  }
}

/** Answers each call with the next recorded answer for the same event and call, in the order they were given. */
export class ReplayDrafter implements StageDrafter {
  readonly provider: string;
  readonly model: string;
  private readonly queues = new Map<string, Recording["answers"]>();
  /** Only a recorded model that wrote documents writes them again. */
  writeDocuments?: StageDrafter["writeDocuments"];

  private constructor(recording: Recording) {
    this.provider = recording.provider;
    this.model = recording.model;
    if (recording.answers.some((answer) => answer.call === "documents"))
      this.writeDocuments = (request) => this.documents(request);
    for (const answer of recording.answers) {
      const key = `${answer.event} ${answer.call}`;
      this.queues.set(key, [...(this.queues.get(key) ?? []), answer]);
    }
  }

  static async load(file: string): Promise<ReplayDrafter> {
    const parsed = Recording.safeParse(JSON.parse(await readFile(file, "utf8")));
    if (!parsed.success) throw new RuntimeFailure(`${file} is not an eval recording: ${parsed.error.message}`);
    return new ReplayDrafter(parsed.data);
  }

  private next(event: RawEvent, call: string): Recording["answers"][number] {
    const answer = this.queues.get(`${eventKey(event)} ${call}`)?.shift();
    if (!answer)
      throw new RuntimeFailure(
        `the recording has no ${call} answer left for the event "${event.text.slice(0, 60)}"; record the run again`,
      );
    return answer;
  }

  async classify(event: RawEvent): Promise<Classification> {
    return this.next(event, "classify").output as Classification;
  }

  async draft(request: DraftRequest): Promise<{ output: unknown; problem?: string }> {
    const answer = this.next(request.context.event, request.schemaName);
    return { output: answer.output, ...(answer.problem ? { problem: answer.problem } : {}) };
  }

  private async documents(request: DocumentsToWrite): Promise<{ texts: Map<string, string>; usage: ModelUsage[] }> {
    const texts = this.next(request.context.event, "documents").output as Record<string, string>;
    return { texts: new Map(Object.entries(texts)), usage: [] };
  }
}
