// The admin's autocomplete fields (select2, started by Django's autocomplete.js) give their
// search box no name: a screen reader announces an unnamed "search" inside the field. Each
// box is named after its field's label ("Schools"), on the page as loaded and on inline rows
// added later. Runs after autocomplete.js has started them (both wait for the document).
(function () {
  var $ = window.django && window.django.jQuery;
  if (!$) {
    return;
  }

  function fieldName(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    var text = label ? label.textContent : select.getAttribute("data-field-label") || "";
    return text.replace(/[:\s]+$/, "").trim();
  }

  function nameSearchBoxes(root) {
    $(root).find("select.admin-autocomplete").each(function () {
      var name = fieldName(this);
      var box = $(this).next(".select2").find(".select2-search__field");
      box.attr("aria-label", name ? "Search " + name.toLowerCase() : "Search");
    });
  }

  $(function () {
    nameSearchBoxes(document);
  });
  document.addEventListener("formset:added", function (event) {
    nameSearchBoxes(event.target);
  });
})();
