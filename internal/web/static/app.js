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
// ---- servers (page_servers.go): power confirmation dialogs ----
// A link with data-dialog="ID" (a power action; without JavaScript it
// goes to the confirmation page) opens the native <dialog id="ID"> instead:
// the dialog holds the same form, whose submit button sends confirm=confirm
// (the dialog's answer). A button with data-close in a dialog closes it
// and sends nothing (Escape too). Delegated from document in the capture
// phase, before htmx's boosted-link handler, so it works on pages htmx
// swapped in.
document.addEventListener("click", function (e) {
  var t = e.target instanceof Element ? e.target : null;
  if (!t || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) { return; }
  var a = t.closest("a[data-dialog]");
  if (a) {
    var d = document.getElementById(a.dataset.dialog);
    if (d instanceof HTMLDialogElement && typeof d.showModal === "function") {
      e.preventDefault();
      e.stopPropagation();
      d.showModal();
    }
    return;
  }
  var c = t.closest("dialog button[data-close]");
  if (c) {
    e.preventDefault();
    c.closest("dialog").close("cancel");
  }
}, true);
// ---- end servers ----
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
