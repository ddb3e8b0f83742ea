// GOV.UK Frontend components (exit this page, error summary, details…).
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
