/* Tone buttons (templates/monitoring/_macros.html, tone_buttons): post the tone in the
   background and show it, without reloading the page. The buttons belong to the page's one
   action form (form="mention-actions", each with its formaction); without this script that
   form posts normally and the page comes back. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  if (!button || button.name !== "tone" || !button.closest || !window.fetch) {
    return;
  }
  var group = button.closest(".tone-form");
  if (!group) {
    return;
  }
  event.preventDefault();
  var data = new FormData(form);
  data.set("tone", button.value);
  var buttons = group.querySelectorAll("button[name=tone]");
  buttons.forEach(function (b) { b.disabled = true; });
  fetch(button.formAction, {
    method: "POST", body: data, credentials: "same-origin",
    headers: {"Accept": "application/json"}
  }).then(function (response) {
    if (!response.ok) {
      throw new Error(String(response.status));
    }
    return response.json();
  }).then(function (result) {
    buttons.forEach(function (b) {
      var chosen = b.getAttribute("data-tone") === result.tone;
      b.setAttribute("aria-pressed", chosen ? "true" : "false");
      b.value = chosen ? "" : b.getAttribute("data-tone");
    });
    group.setAttribute("data-tone", result.tone);
  }).catch(function () {
    /* Fall back to the plain post, which shows any error on the page it comes back to. */
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "tone";
    field.value = button.value;
    form.appendChild(field);
    form.action = button.formAction;
    form.submit();
  }).finally(function () {
    buttons.forEach(function (b) { b.disabled = false; });
  });
});
