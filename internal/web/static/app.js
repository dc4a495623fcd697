// The web panel's behaviours with JavaScript on (no inline scripts: the
// Content-Security-Policy allows scripts from this origin only).
"use strict";

// A form with data-confirm="question" asks before it is sent (without
// JavaScript, pages that delete ask on a confirmation page of their own).
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (f instanceof HTMLFormElement && f.dataset.confirm && !window.confirm(f.dataset.confirm)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);

// After htmx swaps in a new page (boosted navigation), move the focus to
// the main content so keyboard and screen-reader users start there.
document.addEventListener("htmx:afterSettle", function (e) {
  if (e.detail && e.detail.boosted) {
    var m = document.getElementById("main");
    if (m) { m.focus({ preventScroll: true }); }
  }
});

// firewall (page_firewall.go): the countdown of a commit-confirmed save.
// An element with data-fw-left="seconds" (the seconds left when the page
// was rendered) shows them ticking in its #fw-countdown; when they run
// out it fires fw-expired on itself a second later, on which htmx fetches
// the ruleset again (hx-trigger="fw-expired") until the previous rules
// are back. Without JavaScript the page shows the deadline as text.
(function () {
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-fw-left]").forEach(function (el) {
      if (!el.fwStart) { el.fwStart = now; }
      var left = Math.max(0, Math.round(Number(el.dataset.fwLeft) - (now - el.fwStart) / 1000));
      var show = el.querySelector("[data-fw-show]");
      if (show) { show.hidden = false; }
      var c = el.querySelector("#fw-countdown");
      if (c) {
        var m = Math.floor(left / 60), s = left % 60;
        c.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      }
      if (left <= 0 && !el.fwFired) {
        el.fwFired = true;
        setTimeout(function () { el.dispatchEvent(new CustomEvent("fw-expired")); }, 1000);
      }
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSettle", tick);
  tick();
})();
