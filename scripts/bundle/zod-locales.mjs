// What the bundle gives for zod's `locales` namespace: English only. leanos reports errors in English
// (zod's default, which zod loads on its own), and the other 63 locales were half of zod's size.
export { default as en } from "zod/v4/locales/en.js";
