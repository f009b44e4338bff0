/* Tone buttons (templates/monitoring/_macros.html, tone_buttons): post the form in the
   background and show the new tone, without reloading the page. Without this script the
   form posts normally and the page comes back. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.classList || !form.classList.contains("tone-form") || !window.fetch) {
    return;
  }
  var button = event.submitter;
  if (!button || button.name !== "tone") {
    return;
  }
  event.preventDefault();
  var data = new FormData(form);
  data.set("tone", button.value);
  var buttons = form.querySelectorAll("button[name=tone]");
  buttons.forEach(function (b) { b.disabled = true; });
  fetch(form.action, {
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
    form.setAttribute("data-tone", result.tone);
  }).catch(function () {
    /* Fall back to the plain post, which shows any error on the page it comes back to. */
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "tone";
    field.value = button.value;
    form.appendChild(field);
    buttons.forEach(function (b) { b.removeAttribute("name"); });
    form.submit();
  }).finally(function () {
    buttons.forEach(function (b) { b.disabled = false; });
  });
});
