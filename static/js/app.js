// GOV.UK Frontend components (exit this page, error summary, details…).
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

// "Leave this site quickly" replaces this page in the history, so Back does not return here.
document.addEventListener(
  "click",
  (event) => {
    const button = event.target.closest(".govuk-js-exit-this-page-button");
    if (!button) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    document.body.hidden = true;
    window.location.replace(button.href);
  },
  true,
);

initAll();
