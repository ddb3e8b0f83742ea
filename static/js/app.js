// GOV.UK Frontend components (exit this page, error summary, details…).
import { ExitThisPage, initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

// "Leave this site quickly" replaces this page in the history, so Back does not return here.
function leave(href) {
  document.body.hidden = true;
  window.location.replace(href);
}

// The button (mouse, touch, Enter or Space).
document.addEventListener(
  "click",
  (event) => {
    const button = event.target.closest(".govuk-js-exit-this-page-button");
    if (!button) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    leave(button.href);
  },
  true,
);

// "Filter results" (the MoJ filter pattern): on small screens the answer comes first and the filter
// panel opens on request. It starts open when a filter has a mistake to fix. Without JavaScript the
// control stays hidden and the whole form is shown.
for (const toggle of document.querySelectorAll(".app-filter-toggle")) {
  const panel = document.getElementById(toggle.getAttribute("aria-controls"));
  if (!panel) continue;
  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    panel.classList.toggle("app-filter-panel--closed", !open);
  };
  setOpen(panel.querySelector(".govuk-form-group--error") !== null);
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
}

// The keyboard shortcut (Shift three times): GOV.UK's exitPage() sets location.href,
// which keeps this page in the history, so it is replaced before the components start.
ExitThisPage.prototype.exitPage = function exitPage() {
  leave(this.$button.href);
};

initAll();
