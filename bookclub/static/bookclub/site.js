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

// Clubs and meetings: a form re-rendered with its errors comes back as 400 (or 422);
// htmx ignores error responses by default, so swap these in like any other answer.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 400 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

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
