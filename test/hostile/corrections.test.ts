import { categories } from "./cases/index.js";
import { hostileSuite } from "./runner.js";

hostileSuite("corrections", categories.corrections);
