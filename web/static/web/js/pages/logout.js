import { $ } from "../lib/dom.js";
import { onSubmit } from "../lib/forms.js";
import { logOut, startPage } from "../lib/layout.js";

startPage(async () => {
  onSubmit($("#logout-form"), logOut);
}, { member: false });
