// A small confirm step for forms marked data-confirm="question": the first press of the
// form's button shows the question with "Yes" (focused) and "Cancel" beside it; Yes submits,
// Cancel or Escape puts things back and returns focus to the button. Keyboard only works.
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  var trigger = form.querySelector("[type=submit]");
  if (!trigger) return;
  var step = null;
  function close() {
    if (!step) return;
    step.remove();
    step = null;
    trigger.hidden = false;
    trigger.focus();
  }
  form.addEventListener("submit", function (event) {
    if (form.dataset.confirmed === "yes") return;
    event.preventDefault();
    if (step) return;
    var id = "confirm-" + Math.random().toString(36).slice(2);
    step = document.createElement("span");
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
    trigger.hidden = true;
    trigger.after(step);
    yes.focus();
  });
});
