import { categories } from "./cases/index.js";
import { hostileSuite } from "./runner.js";

hostileSuite("canvas layouts", categories.canvasLayouts);
