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

/* Inline validation in the draft editor: a form marked data-rf-pruefen sends itself to the
   server's check on change and after typing; the field that changed is named, so only its
   message is replaced (the server answers with an out-of-band fragment). */
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-rf-pruefen")) {
    return;
  }
  var trigger = event.detail.triggeringEvent;
  var field = trigger && trigger.target && trigger.target.name;
  if (!field || field === "csrf_token" || field === "version") {
    event.preventDefault();
    return;
  }
  event.detail.parameters["feld"] = field;
});

/* A page shown again with errors (422) opens at its error summary: focused, so a screen
   reader reads it and the keyboard goes on from there to the fields it links. */
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("fehler");
  if (summary) {
    summary.focus();
  }
});

/* A Fraktion's Vorsitz is one of its members: in a form marked data-rf-vorsitz the Vorsitz
   is offered to the ticked members only, following the boxes as they change (without this
   script to the members saved; the server refuses any other choice). */
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.form ||
      !box.form.hasAttribute("data-rf-vorsitz")) {
    return;
  }
  var radio = box.form.querySelector('input[type=radio][name=chair][value="' + box.value + '"]');
  if (!radio) {
    return;
  }
  radio.closest(".kern-form-check").hidden = !box.checked;
  if (!box.checked && radio.checked) {
    radio.checked = false;
    var none = box.form.querySelector('input[type=radio][name=chair][value=""]');
    if (none) {
      none.checked = true;
    }
  }
});

/* Text saved only by its own button: a form marked data-rf-ungesichert (the Beratungsverlauf
   on the meeting screen) whose text was changed would lose it when another form of the page
   is sent or a link of the page is followed (the Ergebnis, "Nächster Punkt"). The page asks
   first; "Abbrechen" goes back to the text. Capturing, so it runs before htmx sends. A form
   marked data-rf-geaendert came back with text not yet saved (refused, or the outcome's check
   page): its text counts as changed even untouched. */
function rfUnsavedText(except) {
  var fields = document.querySelectorAll("form[data-rf-ungesichert] textarea");
  var carried = except && except.getAttribute("data-rf-beratung");
  for (var i = 0; i < fields.length; i++) {
    var changed = fields[i].value !== fields[i].defaultValue
      || fields[i].form.hasAttribute("data-rf-geaendert");
    if (fields[i].form !== except && fields[i].id !== carried && changed) {
      return fields[i];
    }
  }
  return null;
}

function rfKeepUnsavedText(event, except) {
  var field = rfUnsavedText(except);
  if (!field) {
    return;
  }
  var text = field.form.getAttribute("data-rf-ungesichert");
  if (window.confirm(text + " Ohne Speichern fortfahren?")) {
    return;
  }
  event.preventDefault();
  event.stopImmediatePropagation();
  field.focus();
}

/* A Vorlage's outcome (data-rf-beratung: the notes' textarea) sends the Beratungsverlauf as
   typed with it: saved with the outcome, kept across its check page. */
function rfCarryNotes(form) {
  var source = form.getAttribute("data-rf-beratung");
  var area = source && document.getElementById(source);
  var field = form.querySelector("input[name=deliberation_notes]");
  if (area && field) {
    field.value = area.value;
    field.disabled = false;
  }
}

document.addEventListener("submit", function (event) {
  if (event.target instanceof HTMLFormElement) {
    rfKeepUnsavedText(event, event.target);
    if (!event.defaultPrevented) {
      rfCarryNotes(event.target);
    }
  }
}, true);

document.addEventListener("click", function (event) {
  var link = event.target instanceof Element && event.target.closest("a[href]");
  if (link && !link.getAttribute("href").startsWith("#")) {
    rfKeepUnsavedText(event, null);
  }
}, true);
