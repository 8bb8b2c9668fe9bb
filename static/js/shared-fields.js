// Shared fields of a synced record: the SIS sends them, so the next sync puts its value back.
// Say so as soon as the entered value differs from the SIS value, before the form is saved.
(function () {
  "use strict";
  var fields = document.querySelectorAll('[data-field-state="shared"][data-sis-value]');
  fields.forEach(function (field) {
    var note = document.createElement("div");
    note.className = "form-text text-warning-emphasis sis-differs d-none";
    note.id = (field.id || field.name) + "_sis_differs";
    note.setAttribute("role", "status");
    var sisValue = field.getAttribute("data-sis-value");
    var sisLabel = field.getAttribute("data-sis-label") || sisValue;
    note.textContent =
      'This differs from the SIS value "' + sisLabel + '": ' +
      "the next sync will put the SIS value back.";
    field.insertAdjacentElement("afterend", note);

    function check() {
      var differs = field.value.trim() !== sisValue.trim();
      note.classList.toggle("d-none", !differs);
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      var has = described.indexOf(note.id) !== -1;
      if (differs && !has) described.push(note.id);
      if (!differs && has) described.splice(described.indexOf(note.id), 1);
      if (described.length) field.setAttribute("aria-describedby", described.join(" "));
      else field.removeAttribute("aria-describedby");
    }
    field.addEventListener("input", check);
    field.addEventListener("change", check);
    check();
  });
})();
