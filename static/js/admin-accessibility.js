// Django admin: give every form control an accessible name.
// Tabular inlines name their columns only in the table header, and the
// autocomplete widget (select2) draws a combobox with no name of its own.
(function () {
  "use strict";

  function nameTabularInputs(root) {
    root.querySelectorAll(".tabular table").forEach(function (table) {
      const headers = {};
      table.querySelectorAll("thead th").forEach(function (th) {
        th.classList.forEach(function (cls) {
          if (cls.indexOf("column-") === 0) headers[cls.slice(7)] = th.textContent.trim();
        });
      });
      table.querySelectorAll("tbody tr").forEach(function (row, index) {
        row.querySelectorAll("td").forEach(function (td) {
          let field = null;
          td.classList.forEach(function (cls) {
            if (cls.indexOf("field-") === 0) field = cls.slice(6);
          });
          if (!field && td.classList.contains("delete")) field = "DELETE";
          const name = field === "DELETE" ? "Delete" : headers[field];
          if (!name) return;
          td.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (control) {
            if (!control.labels || control.labels.length === 0) {
              if (!control.hasAttribute("aria-label")) control.setAttribute("aria-label", name + " (" + (index + 1) + ")");
            }
          });
        });
      });
    });
  }

  function nameComboboxes(root) {
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
      if (box.hasAttribute("aria-label")) return;
      const container = box.closest(".select2");
      const select = container && container.previousElementSibling;
      if (!select) return;
      const label = select.labels && select.labels[0] ? select.labels[0].textContent : select.getAttribute("aria-label");
      if (!label) return;
      const name = label.replace(/:\s*$/, "").trim();
      box.setAttribute("aria-label", name);
      box.querySelectorAll("[role=textbox]:not([aria-label])").forEach(function (shown) {
        shown.setAttribute("aria-label", name);
      });
    });
    root.querySelectorAll(".select2-search__field").forEach(function (field) {
      if (!field.hasAttribute("aria-label")) field.setAttribute("aria-label", "Search");
    });
  }

  function tooltips(root) {
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (span) {
      span.setAttribute("role", "img");
    });
  }

  function fix() {
    nameTabularInputs(document);
    nameComboboxes(document);
    tooltips(document);
  }

  window.addEventListener("load", fix);
  document.addEventListener("formset:added", fix);
  new MutationObserver(function () {
    nameComboboxes(document);
    tooltips(document);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
