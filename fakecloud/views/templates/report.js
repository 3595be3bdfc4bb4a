// fakecloud report: the set-up switch, the trace table's filters, and the details of a
// focused bar or marker (its hover, the <title>, which a keyboard cannot reach). No network,
// no library.
(function () {
  "use strict";
  var rows = JSON.parse(document.getElementById("trace-data").textContent);
  var body = document.querySelector("#events tbody");
  var filter = document.getElementById("filter");
  var kind = document.getElementById("kind");
  var failuresOnly = document.getElementById("failures-only");
  var setupSwitch = document.getElementById("show-setup");
  var shown = document.getElementById("shown");
  var LIMIT = 3000;

  function cell(tr, text, title) {
    var td = document.createElement("td");
    td.textContent = text;
    if (title) { td.title = title; }
    tr.appendChild(td);
  }

  function render() {
    var needle = filter.value.trim().toLowerCase();
    var wanted = kind.value;
    var withSetup = setupSwitch ? setupSwitch.checked : true;
    var onlyFailed = failuresOnly.checked;
    var out = document.createDocumentFragment();
    var matched = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (r[7] && !withSetup) { continue; }
      if (wanted && r[2] !== wanted) { continue; }
      if (onlyFailed && !r[8]) { continue; }
      if (needle) {
        var hay = (r[2] + " " + r[3] + " " + r[4] + " " + r[5] + " " + r[6]).toLowerCase();
        if (hay.indexOf(needle) < 0) { continue; }
      }
      matched++;
      if (matched > LIMIT) { continue; }
      var tr = document.createElement("tr");
      if (r[7]) { tr.className = "setup"; }
      if (r[8]) { tr.className += " failed"; }
      cell(tr, String(r[0]));
      cell(tr, r[1].toFixed(3));
      cell(tr, r[2]);
      cell(tr, r[3]);
      cell(tr, r[4], r[6]);
      cell(tr, r[5]);
      out.appendChild(tr);
    }
    body.replaceChildren(out);
    shown.textContent = matched > LIMIT
      ? "first " + LIMIT + " of " + matched + " matching events (narrow the filter to see the rest)"
      : matched + " of " + rows.length + " events";
  }

  function toggleSetup() {
    document.body.classList.toggle("with-setup", setupSwitch.checked);
    render();
  }

  var details = document.getElementById("focus-details");

  function showDetails(event) {
    var shape = event.target;
    var hover = shape.querySelector && shape.querySelector(":scope > title");
    if (!hover || !shape.closest("svg")) { return; }
    details.textContent = hover.textContent;
    details.hidden = false;
    var box = shape.getBoundingClientRect();
    var left = Math.min(box.left, window.innerWidth - details.offsetWidth - 8);
    var below = box.bottom + 6 + details.offsetHeight <= window.innerHeight;
    details.style.left = Math.max(8, left) + "px";
    details.style.top = (below ? box.bottom + 6 : box.top - 6 - details.offsetHeight) + "px";
  }

  document.addEventListener("focusin", showDetails);
  document.addEventListener("focusout", function () { details.hidden = true; });
  filter.addEventListener("input", render);
  kind.addEventListener("change", render);
  failuresOnly.addEventListener("change", render);
  if (setupSwitch) { setupSwitch.addEventListener("change", toggleSetup); }
  render();
})();
