/* Progressive enhancement only: every form works without this script.
   A form marked data-rf-lange-aktion shows its progress (KERN loader, text for screen
   readers) while the server works, and its button cannot be pressed twice. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-rf-lange-aktion")) {
    return;
  }
  var progress = form.querySelector(".rf-progress");
  if (progress) {
    progress.hidden = false;
  }
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.setAttribute("aria-disabled", "true");
  });
  if (form.dataset.rfSent === "ja") {
    event.preventDefault();
  }
  form.dataset.rfSent = "ja";
});
