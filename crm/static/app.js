/* Confirmation before destructive actions (the other scripts in crm/static are per page).
   A form or button with data-confirm="question" asks first; no inline handlers, so the
   Content-Security-Policy can forbid inline script. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var question = (button && button.getAttribute("data-confirm")) ||
                 form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
}, true);
