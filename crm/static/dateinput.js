/* Date inputs in the UI language (crm/dateinput.py): the field is text, written as the pages
   write dates (31.12.2026 14:30, or 31 Dec 2026, 14:30); this adds a button beside it that
   opens the browser's own calendar (a hidden native input) and writes the chosen day back in
   the field's pattern. Without script the text field works alone. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function format(pattern, months, d) {
    return pattern.replace(/dd|d|MMM|MM|y|HH|mm/g, function (token) {
      switch (token) {
        case "dd": return pad(d.day);
        case "d": return String(d.day);
        case "MMM": return months[d.month - 1] || pad(d.month);
        case "MM": return pad(d.month);
        case "y": return String(d.year);
        case "HH": return pad(d.hour || 0);
        case "mm": return pad(d.minute || 0);
      }
      return token;
    });
  }

  function parse(text, months) {
    var m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?/.exec(text);
    if (m) { return {year: +m[1], month: +m[2], day: +m[3], hour: +(m[4] || 0), minute: +(m[5] || 0)}; }
    var time = /(\d{1,2})[:.](\d{2})\s*$/.exec(text);
    m = /^\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}|\d{2})(?!\d)/.exec(text);
    var result = null;
    if (m) {
      result = {year: m[3].length === 2 ? 2000 + +m[3] : +m[3], month: +m[2], day: +m[1]};
    } else {
      m = /^\s*(\d{1,2})\.?\s*([^\s\d.,]+)\.?,?\s+(\d{4})/.exec(text);
      if (m) {
        var name = m[2].toLowerCase();
        for (var i = 0; i < months.length; i++) {
          if (months[i].toLowerCase().replace(".", "") === name.replace(".", "")) {
            result = {year: +m[3], month: i + 1, day: +m[1]};
          }
        }
      }
    }
    if (result && time) { result.hour = +time[1]; result.minute = +time[2]; }
    return result;
  }

  function iso(d, withTime) {
    var day = d.year + "-" + pad(d.month) + "-" + pad(d.day);
    return withTime ? day + "T" + pad(d.hour || 0) + ":" + pad(d.minute || 0) : day;
  }

  function enhance(field) {
    var withTime = field.getAttribute("data-date-input") === "datetime";
    var pattern = field.getAttribute("data-pattern");
    var months = (field.getAttribute("data-months") || "").split(",");
    var native = document.createElement("input");
    native.type = withTime ? "datetime-local" : "date";
    native.className = "date-native";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-pick";
    button.title = field.getAttribute("data-pick-label") || "";
    button.setAttribute("aria-label", button.title);
    var wrap = document.createElement("span");
    wrap.className = "date-wrap";
    field.parentNode.insertBefore(wrap, field);
    wrap.appendChild(field);
    wrap.appendChild(button);
    wrap.appendChild(native);
    button.addEventListener("click", function () {
      var current = parse(field.value, months);
      native.value = current ? iso(current, withTime) : "";
      if (typeof native.showPicker === "function") {
        try { native.showPicker(); return; } catch (e) { /* below */ }
      }
      native.focus();
      native.click();
    });
    native.addEventListener("change", function () {
      var d = parse(native.value, months);
      if (!d) { return; }
      field.value = format(pattern, months, d);
      field.dispatchEvent(new Event("input", {bubbles: true}));
      field.dispatchEvent(new Event("change", {bubbles: true}));
    });
  }

  function start() {
    var fields = document.querySelectorAll("input[data-date-input]");
    for (var i = 0; i < fields.length; i++) { enhance(fields[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
