// The release editor's live preview: the text is sent to the server's preview endpoint (the
// same markup rules as every output, crm/releases/markup.py) shortly after typing stops, and
// the escaped HTML it returns replaces the preview. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var area = document.querySelector("textarea[data-preview-url]");
  if (!area || !window.fetch || !window.FormData) { return; }
  var box = document.getElementById(area.getAttribute("data-preview-target"));
  var token = area.form && area.form.querySelector("input[name=csrf_token]");
  if (!box || !token) { return; }
  var url = area.getAttribute("data-preview-url");
  var delay = 300; // ms after the last key stroke
  var timer = null;
  var sent = 0;
  var shown = 0;
  function refresh() {
    var mine = ++sent;
    var data = new FormData();
    data.append("body", area.value);
    data.append("csrf_token", token.value);
    window.fetch(url, {method: "POST", body: data, credentials: "same-origin",
                       cache: "no-store", headers: {"X-CSRFToken": token.value}})
      .then(function (response) {
        return response.text().then(function (html) {
          // An answer to an older request that arrives late never replaces a newer one.
          if (mine < shown) { return; }
          shown = mine;
          if (response.headers.get("X-Body-Preview") === "1") {
            box.innerHTML = html; // the preview endpoint built it from escaped text only
          }
          if (mine === sent) { box.classList.remove("is-stale"); }
        });
      })
      .catch(function () { /* keep the last preview; the next key stroke tries again */ });
  }
  area.addEventListener("input", function () {
    box.classList.add("is-stale");
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, delay);
  });
}());
