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
