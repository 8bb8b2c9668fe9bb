// The admin's autocomplete fields (select2, started by Django's autocomplete.js) are not named
// for a screen reader: the box a single choice shows reads only as the value chosen (nothing
// at all on an add page), and the search box of a many-choice field reads as an unnamed
// "search". Each is named after its field's label ("School", "Search schools"), on the page
// as loaded and on inline rows added later ("Student, new row"). Runs after
// autocomplete.js has started them (both wait for the document).
(function () {
  var $ = window.django && window.django.jQuery;
  if (!$) {
    return;
  }

  function labelOf(select) {
    return select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
  }

  function fieldName(select) {
    // Its label's text; an inline row's field has none but an aria-label of Django's
    // ("Student, new row"); else the last part of its name ("classstudent_set-2-student").
    var label = labelOf(select);
    var text = label
      ? label.textContent
      : select.getAttribute("aria-label") || (select.name || "").split("-").pop();
    return text.replace(/_/g, " ").replace(/[:\s]+$/, "").trim();
  }

  function name(select) {
    var field = fieldName(select);
    var widget = $(select).next(".select2");
    var shown = widget.find(".select2-selection");
    // A single choice's own box (a textbox, empty until something is chosen).
    var rendered = shown.find(".select2-selection__rendered[id]");
    var label = labelOf(select);
    if (label) {
      label.id = label.id || select.id + "_label";
      rendered.attr("aria-labelledby", label.id);
      // The field's label, then the choice shown, as one name ("School Lincoln Elementary").
      var ids = rendered.length ? label.id + " " + rendered.attr("id") : label.id;
      shown.attr("aria-labelledby", ids);
    } else {
      shown.removeAttr("aria-labelledby").attr("aria-label", field);
      rendered.attr("aria-label", field);
    }
    var search = field.split(",")[0].toLowerCase();
    widget.find(".select2-search__field").attr("aria-label", "Search " + search);
  }

  function nameAll(root) {
    $(root).find("select.admin-autocomplete").each(function () {
      name(this);
    });
  }

  $(function () {
    nameAll(document);
  });
  document.addEventListener("formset:added", function (event) {
    nameAll(event.target);
  });
})();
