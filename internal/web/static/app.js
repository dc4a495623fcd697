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

// cloud: a submit button with data-confirm="question" asks before its form
// is sent and marks the form confirmed (confirmed=1), so the server does
// not ask again on a confirmation page of its own (which it shows when
// JavaScript is off).
document.addEventListener("submit", function (e) {
  var f = e.target, b = e.submitter;
  if (!(f instanceof HTMLFormElement) || !b || !b.dataset || !b.dataset.confirm) { return; }
  if (!window.confirm(b.dataset.confirm)) {
    e.preventDefault();
    e.stopImmediatePropagation();
    return;
  }
  var c = f.querySelector('input[name="confirmed"]');
  if (!c) {
    c = document.createElement("input");
    c.type = "hidden";
    c.name = "confirmed";
    f.appendChild(c);
  }
  c.value = "1";
}, true);
// end cloud
