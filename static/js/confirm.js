// A small confirm step for forms marked data-confirm="question": the first press of the
// form's button shows the question with "Yes" (focused) and "Cancel" beside it; Yes submits,
// Cancel or Escape puts things back and returns focus to the button. Keyboard only works.
// The question is read when the form is sent, so a page may set or clear it meanwhile (the
// Students list asks only when the chosen bulk action is "Deactivate").
(function () {
  var steps = new WeakMap();
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (form.dataset.confirmed === "yes") return;
    event.preventDefault();
    if (steps.has(form)) return;
    var trigger = event.submitter || form.querySelector("[type=submit]");
    if (!trigger) return;
    function close() {
      var step = steps.get(form);
      if (!step) return;
      step.remove();
      steps.delete(form);
      trigger.hidden = false;
      trigger.focus();
    }
    var id = "confirm-" + Math.random().toString(36).slice(2);
    var step = document.createElement("span");
    step.className = "confirm-step d-inline-flex flex-wrap align-items-center gap-2";
    step.setAttribute("role", "group");
    step.setAttribute("aria-labelledby", id);
    var question = document.createElement("span");
    question.id = id;
    question.className = "small fw-semibold";
    question.textContent = form.dataset.confirm;
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "btn btn-sm btn-danger";
    yes.textContent = form.dataset.confirmYes || "Yes";
    var no = document.createElement("button");
    no.type = "button";
    no.className = "btn btn-sm btn-outline-secondary";
    no.textContent = "Cancel";
    yes.addEventListener("click", function () {
      form.dataset.confirmed = "yes";
      yes.disabled = true;
      form.requestSubmit ? form.requestSubmit(trigger) : form.submit();
    });
    no.addEventListener("click", close);
    step.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
    step.append(question, yes, no);
    steps.set(form, step);
    trigger.hidden = true;
    trigger.after(step);
    yes.focus();
  });
})();
