// pactwatch pages: progressive enhancement only. Every page works without this file
// (links and GET forms do the job); the CSP forbids inline script, so all behaviour
// is wired here by data attributes.
(function () {
  "use strict";

  function each(sel, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(sel), fn);
  }

  // Agreement page: clicking a value shows its evidence passages in the side panel
  // instead of leaving the page (the link itself goes to the highlighted document).
  function showEvidence(link) {
    var ids = (link.getAttribute("data-ev") || "").split(" ").filter(Boolean);
    if (!ids.length) { return false; }
    var panel = document.getElementById("evidence-panel");
    if (!panel) { return false; }
    each(".quote-item", function (q) { q.hidden = true; }, panel);
    each("a.ev.selected", function (a) { a.classList.remove("selected"); });
    var first = null;
    ids.forEach(function (id) {
      var q = document.getElementById(id);
      if (q) { q.hidden = false; first = first || q; }
    });
    var title = panel.querySelector("[data-ev-title]");
    if (title) { title.textContent = link.getAttribute("data-ev-label") || "Evidence"; }
    var hint = panel.querySelector(".ev-hint");
    if (hint) { hint.hidden = true; }
    link.classList.add("selected");
    if (first && first.scrollIntoView && window.innerWidth < 900) { first.scrollIntoView({ block: "nearest" }); }
    return true;
  }
  each("a.ev[data-ev]", function (a) {
    a.addEventListener("click", function (e) {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) { return; }
      if (showEvidence(a)) { e.preventDefault(); }
    });
  });

  // Search page: the compare button counts the ticked agreements.
  var form = document.getElementById("compare-form");
  if (form) {
    var button = form.querySelector("[data-compare-button]");
    var update = function () {
      var n = form.querySelectorAll("input[name=ids]:checked").length;
      if (button) {
        button.disabled = n < 2;
        button.textContent = n < 2 ? "Compare (tick 2 or more)" : "Compare " + n + " agreements";
      }
    };
    form.addEventListener("change", update);
    update();
  }

  // Selects marked data-autosubmit submit their form on change (timeline party filter).
  each("select[data-autosubmit]", function (s) {
    s.addEventListener("change", function () { if (s.form) { s.form.submit(); } });
  });

  // Network: hovering a country brings its edges forward and dims the rest.
  var net = document.getElementById("network-svg");
  if (net) {
    each("a.node-link", function (n) {
      var id = n.getAttribute("data-node");
      n.addEventListener("mouseenter", function () {
        each("a.edge-link", function (e) {
          var on = e.getAttribute("data-source") === id || e.getAttribute("data-target") === id;
          e.classList.toggle("dim", !on);
          e.classList.toggle("hl", on);
        }, net);
      });
      n.addEventListener("mouseleave", function () {
        each("a.edge-link", function (e) { e.classList.remove("dim"); e.classList.remove("hl"); }, net);
      });
    }, net);
  }
})();
