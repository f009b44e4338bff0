// The contact list's bulk bar: "select all on this page" and the count of ticked rows.
// Without script the list works too (tick rows one by one, or choose "all matching").
(function () {
  "use strict";
  document.querySelectorAll("form[data-bulk]").forEach(function (form) {
    var boxes = function () { return form.querySelectorAll("input[name=id]"); };
    var all = form.querySelector("[data-select-page]");
    var count = form.querySelector("[data-selected-count]");
    var selectedScope = form.querySelector("input[name=scope][value=selected]");
    function update() {
      var ticked = 0;
      boxes().forEach(function (box) { if (box.checked) { ticked += 1; } });
      if (count) { count.textContent = String(ticked); }
      if (all) { all.checked = ticked > 0 && ticked === boxes().length; }
    }
    form.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        if (selectedScope) { selectedScope.checked = true; }
        update();
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "id") {
        if (selectedScope) { selectedScope.checked = true; }
        update();
      }
    });
    update();
  });
})();
