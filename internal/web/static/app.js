// The web panel's behaviours with JavaScript on (no inline scripts: the
// Content-Security-Policy allows scripts from this origin only).
"use strict";

// After htmx swaps in a new page (boosted navigation), move the focus to
// the main content so keyboard and screen-reader users start there.
document.addEventListener("htmx:afterSettle", function (e) {
  if (e.detail && e.detail.boosted) {
    var m = document.getElementById("main");
    if (m) { m.focus({ preventScroll: true }); }
  }
});

// A form or a submit button with data-confirm="question" asks before the
// form is sent. When the answer is yes, the form is marked confirmed: its
// field confirmed gets 1 (a button's question adds the field when the form
// has none), so the server skips the confirmation page it shows to
// browsers without JavaScript. Forms without the field (deleting a DNS
// record) only ask.
document.addEventListener("submit", function (e) {
  var f = e.target, b = e.submitter;
  if (!(f instanceof HTMLFormElement)) { return; }
  var question = (b && b.dataset && b.dataset.confirm) || f.dataset.confirm;
  if (!question) { return; }
  if (!window.confirm(question)) {
    e.preventDefault();
    e.stopImmediatePropagation();
    return;
  }
  var c = f.querySelector('input[name="confirmed"]');
  if (!c && !(b && b.dataset && b.dataset.confirm)) { return; }
  if (!c) {
    c = document.createElement("input");
    c.type = "hidden";
    c.name = "confirmed";
    f.appendChild(c);
  }
  c.value = "1";
}, true);
