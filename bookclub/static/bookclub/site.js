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
