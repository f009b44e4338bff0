// A feed page, or the feeds list, while checks run in the background: ask each checking
// feed's status endpoint every second and reload the page once one of them is done (no
// inline script: the CSP forbids it).
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-feed-status]");
  if (!boxes.length || !window.fetch) { return; }
  var maxTries = 300; // the fetch deadline is 60 s by default; stop asking after ~5 minutes
  var reloading = false;
  function watch(url) {
    var tries = 0;
    function later(delay) {
      if (tries < maxTries && !reloading) { window.setTimeout(ask, delay); }
    }
    function ask() {
      tries += 1;
      window.fetch(url, {credentials: "same-origin", cache: "no-store",
                         headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && data.checking === false) {
            if (!reloading) { reloading = true; window.location.reload(); }
          } else {
            later(1000);
          }
        })
        .catch(function () { later(3000); });
    }
    later(1000);
  }
  Array.prototype.forEach.call(boxes, function (box) {
    watch(box.getAttribute("data-feed-status"));
  });
}());
