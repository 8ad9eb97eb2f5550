import { categories } from "./cases/index.js";
import { hostileSuite } from "./runner.js";

hostileSuite("readers", categories.readers);
