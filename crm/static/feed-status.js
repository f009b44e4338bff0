// The feed page while a check runs in the background: ask the status endpoint every second
// and reload the page once the check is done (no inline script: the CSP forbids it).
(function () {
  "use strict";
  var box = document.querySelector("[data-feed-status]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-feed-status");
  var tries = 0;
  var maxTries = 300; // the fetch deadline is 60 s by default; stop asking after ~5 minutes
  function later(delay) {
    if (tries < maxTries) { window.setTimeout(ask, delay); }
  }
  function ask() {
    tries += 1;
    window.fetch(url, {credentials: "same-origin", cache: "no-store",
                       headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.checking === false) { window.location.reload(); } else { later(1000); }
      })
      .catch(function () { later(3000); });
  }
  later(1000);
}());
