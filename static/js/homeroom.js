// Homeroom: turn on Bootstrap tooltips for elements that ask for one.
document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
  new bootstrap.Tooltip(el);
});
