// Pages with nothing of their own to load (the invitation link): only the
// shared parts, such as logging out from the navigation.
import { startPage } from "../lib/layout.js";

startPage(async () => {}, { member: false });
