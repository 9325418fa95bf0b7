/* Helpline contact form: draft autosave and category type-ahead. Progressive enhancement only:
   without this script the form still works (a "Save draft" button, plain checkboxes). */
(function () {
  "use strict";
  var form = document.getElementById("contact-form");
  if (!form) { return; }

  // --- Draft autosave: the form as typed so far, a moment after the counsellor pauses. ---
  var status = document.getElementById("autosave-status");
  var draftInput = form.querySelector("input[name=draft]");
  var timer = null;
  var inFlight = null;
  var submitAfterSave = false;
  var DELAY_MS = 1500;

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    timer = null;
    var data = new FormData(form);
    data.delete("save_draft");
    inFlight = fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (body) {
      draftInput.value = body.draft;
      form.dataset.draft = body.draft;
      // From now on, logging the contact finalises this draft instead of creating another one.
      form.action = body.edit_url;
      say(form.dataset.savedText || "✓");
    }).catch(function () {
      say(form.dataset.failedText || "!");
    }).then(function () {
      inFlight = null;
      if (submitAfterSave) { form.requestSubmit(document.getElementById("log-contact")); }
    });
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (inFlight) {
      // Wait for the draft to exist, so that the contact is logged once, onto that draft.
      event.preventDefault();
      submitAfterSave = true;
      return;
    }
    submitAfterSave = false;
  });

  // --- Categories: type to filter, Enter ticks the first visible match. ---
  var search = form.querySelector(".hl-category-search");
  var filter = document.getElementById("category-filter");
  var count = document.getElementById("category-count");
  if (!search || !filter) { return; }
  search.hidden = false;
  var items = Array.prototype.slice.call(form.querySelectorAll(".hl-checks li"));

  function visibleItems() {
    return items.filter(function (item) { return !item.hidden; });
  }

  filter.addEventListener("input", function (event) {
    event.stopPropagation(); // typing a search term is not a change to the contact
    var term = filter.value.trim().toLowerCase();
    items.forEach(function (item) {
      item.hidden = term !== "" && item.textContent.toLowerCase().indexOf(term) === -1;
    });
    if (count) { count.textContent = term ? String(visibleItems().length) : ""; }
  });
  filter.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault(); // Enter here ticks a category; it never submits the form
    var first = visibleItems()[0];
    if (!first) { return; }
    var box = first.querySelector("input[type=checkbox]");
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    filter.select();
  });
})();
