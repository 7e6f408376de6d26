(function () {
  "use strict";
  // Progressive enhancement only: without this script every finding is shown and nothing is
  // lost. It reveals the filter form and the copy buttons, and reads an initial filter from the
  // URL (?severity=critical,high&category=authz&q=password) so a filtered view can be shared.
  var doc = document;
  doc.documentElement.classList.add("js");

  var all = function (selector, root) {
    return Array.prototype.slice.call((root || doc).querySelectorAll(selector));
  };

  // ---- Copy buttons ------------------------------------------------------------------------
  function fallbackCopy(text) {
    var area = doc.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    doc.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
    doc.body.removeChild(area);
    return ok;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return fallbackCopy(text); }
      );
    }
    return Promise.resolve(fallbackCopy(text));
  }

  all("button.copy[data-copy]").forEach(function (button) {
    var target = doc.getElementById(button.getAttribute("data-copy"));
    if (!target) { return; }
    button.hidden = false;
    var timer = null;
    button.addEventListener("click", function () {
      copy(target.textContent).then(function (ok) {
        button.textContent = ok ? "Copied" : "Select and copy";
        button.classList.toggle("done", ok);
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.textContent = "Copy";
          button.classList.remove("done");
        }, 2000);
      });
    });
  });

  // ---- Filters -----------------------------------------------------------------------------
  var form = doc.getElementById("filters");
  if (!form) { return; }
  var findings = all(".finding");
  var operations = all(".operation");
  var boxes = all("input[name=severity]", form);
  var category = form.querySelector("select[name=category]");
  var search = form.querySelector("input[name=q]");
  var status = doc.getElementById("filter-status");
  var noMatch = doc.getElementById("no-match");
  var total = findings.length;

  function state() {
    return {
      severities: boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }),
      category: category.value,
      q: search.value.trim().toLowerCase()
    };
  }

  function apply(updateUrl) {
    var s = state();
    var shown = 0;
    findings.forEach(function (f) {
      var visible = s.severities.indexOf(f.getAttribute("data-severity")) !== -1 &&
        (!s.category || f.getAttribute("data-category") === s.category) &&
        (!s.q || f.textContent.toLowerCase().indexOf(s.q) !== -1);
      f.hidden = !visible;
      if (visible) { shown += 1; }
    });
    operations.forEach(function (op) {
      op.hidden = !op.querySelector(".finding:not([hidden])");
    });
    noMatch.hidden = shown !== 0;
    status.textContent = shown === total
      ? "Showing all " + total + (total === 1 ? " finding." : " findings.")
      : "Showing " + shown + " of " + total + (total === 1 ? " finding." : " findings.");
    if (updateUrl) { writeUrl(s); }
  }

  function writeUrl(s) {
    var params = new URLSearchParams();
    if (s.severities.length !== boxes.length) { params.set("severity", s.severities.join(",")); }
    if (s.category) { params.set("category", s.category); }
    if (s.q) { params.set("q", s.q); }
    var query = params.toString();
    try {
      history.replaceState(null, "", (query ? "?" + query : location.pathname) + location.hash);
    } catch (e) { /* some browsers refuse replaceState on file: URLs; the filter still works */ }
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    if (params.has("severity")) {
      var wanted = params.get("severity").toLowerCase().split(",");
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) !== -1; });
    }
    if (params.has("category")) {
      var value = params.get("category");
      if (all("option", category).some(function (o) { return o.value === value; })) {
        category.value = value;
      }
    }
    if (params.has("q")) { search.value = params.get("q"); }
  }

  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () {
    // The reset happens after this event: apply once the controls are back to their defaults.
    setTimeout(function () { apply(true); }, 0);
  });

  // The severity tiles of the summary show only their severity.
  all("[data-only-severity]").forEach(function (tile) {
    tile.addEventListener("click", function () {
      var only = tile.getAttribute("data-only-severity");
      boxes.forEach(function (b) { b.checked = b.value === only; });
      category.value = "";
      search.value = "";
      apply(true);
    });
  });

  form.hidden = false;
  readUrl();
  apply(false);
})();
