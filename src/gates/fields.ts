import { z } from "zod";

/** A title becomes a markdown heading: one line of text. */
export const OneLine = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), "one line of text: no line breaks or control characters");
