// Small progressive enhancements; every feature works without this file.
document.addEventListener("click", (event) => {
  const reveal = event.target.closest("[data-reveal]");
  if (!reveal) return;
  const target = document.getElementById(reveal.dataset.reveal);
  if (target) {
    target.hidden = false;
    reveal.setAttribute("aria-expanded", "true");
    reveal.hidden = true;
  }
});

// A refused action (a rate limit, a locked thread, a deleted comment) is shown beside the
// form that asked, which keeps the member's text; from a link it goes to #page-alert.
document.addEventListener("htmx:beforeSwap", (event) => {
  const xhr = event.detail.xhr;
  const asker = event.detail.requestConfig && event.detail.requestConfig.elt;
  const form = asker && asker.closest ? asker.closest("form") : null;
  if (!xhr.getResponseHeader("X-Refused") || !form) return;
  event.detail.shouldSwap = false;
  let alert = form.querySelector(".form-alert");
  if (!alert) {
    alert = document.createElement("div");
    alert.className = "form-alert";
    alert.setAttribute("role", "alert");
    form.prepend(alert);
  }
  alert.innerHTML = xhr.responseText;  // our own template's message
});

// Form errors (400) and refusals are answers for their form, not error pages: keep
// django-htmx's debug handler (DEBUG only) from putting them in place of the whole page.
window.addEventListener(
  "htmx:beforeOnLoad",
  (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status === 400 || xhr.getResponseHeader("X-Refused")) event.stopPropagation();
  },
  true,
);

// Clubs and meetings: a form re-rendered with its errors comes back as 400 (or 422);
// htmx ignores error responses by default, so swap these in like any other answer.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 400 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Comment cards are the same HTML for every member (they are cached and shared): each
// reader's own controls are picked here, by the card's author and <body data-user-id>.
// Without this script every control shows, and the server refuses what is not yours.
function showReadersControls(root) {
  const reader = document.body.dataset.userId;
  if (!reader) return;
  const list = document.querySelector("[data-flagged]");
  const flagged = new Set((list ? list.dataset.flagged : "").split(" "));
  root.querySelectorAll(".comment-card[data-author]").forEach((card) => {
    const own = card.dataset.author === reader;
    card.querySelectorAll(own ? ".others-only" : ".own-only").forEach((control) => {
      if (control.closest(".comment-card") === card) control.remove();
    });
    const flag = card.querySelector(".others-only");
    if (flag && flagged.has(card.id.replace("comment-", ""))) {
      const done = document.createElement("span");
      done.className = "muted";
      done.textContent = "Flagged";
      flag.replaceWith(done);
    }
    // Authors always see their own words, whatever section they discuss.
    const gate = card.querySelector(".spoiler-gate");
    if (own && gate) gate.open = true;
  });
}
document.addEventListener("DOMContentLoaded", () => showReadersControls(document));
document.addEventListener("htmx:load", (event) => showReadersControls(event.detail.elt));

// Copy buttons (invite links): hidden until this script runs, since only it can copy.
function showCopyButtons(root) {
  root.querySelectorAll("[data-copy][hidden]").forEach((button) => {
    button.hidden = false;
  });
}
document.addEventListener("DOMContentLoaded", () => showCopyButtons(document));
document.addEventListener("htmx:afterSettle", (event) => showCopyButtons(event.target));
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
  if (!field) return;
  let copied = false;
  try {
    await navigator.clipboard.writeText(field.value);
    copied = true;
  } catch {
    // No clipboard API (or no permission): select the text so the member can copy it.
    field.focus();
    field.select();
  }
  if (status) status.textContent = copied ? "Copied." : "Selected: press Ctrl+C (⌘C) to copy.";
});
