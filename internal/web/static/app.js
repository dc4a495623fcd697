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

// network: a form sent after its data-confirm question was answered
// (the listener above stops the ones declined) marks itself confirmed:
// each of its inputs with data-confirmed takes that value, so the server
// skips the confirmation page it shows to browsers without JavaScript.
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (f instanceof HTMLFormElement && f.dataset.confirm) {
    f.querySelectorAll("input[data-confirmed]").forEach(function (i) { i.value = i.dataset.confirmed; });
  }
}, true);
