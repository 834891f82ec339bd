// Community section enhancements for htmx; every action also works as a plain form post.
(() => {
  // Refusals (400 form errors, 403, 429) carry a message or form worth showing:
  // let htmx swap them (the server retargets messages to #page-alert).
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 400 || status === 403 || status === 409 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A posted comment form starts empty again; a refused or failed one keeps its text.
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    const stored = event.detail.xhr && event.detail.xhr.status < 300;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-reset-on-success") && stored) {
      form.reset();
      const alert = form.querySelector(".form-alert");
      if (alert) alert.remove();
    }
  });
  // Clear an old alert before the next request.
  document.addEventListener("htmx:beforeRequest", () => {
    const alert = document.getElementById("page-alert");
    if (alert) alert.textContent = "";
  });
})();
