import { categories } from "./cases/index.js";
import { hostileSuite } from "./runner.js";

hostileSuite("environment", categories.environment);
