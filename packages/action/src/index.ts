/** Entry point of the bundled action (action.yml `runs.main`): all the work is in main.ts. */
import { run } from "./main.js";

await run();
