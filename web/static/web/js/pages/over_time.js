// Placeholder: filled in by its page's work.

import { startPage } from "../lib/layout.js";

startPage(async () => {});
