// Review mode only: fill the "add a span" form from a selection in the text. The form works without this
// (type the words and which occurrence); with it, the words around the selection say which occurrence is meant.
"use strict";
(function () {
  const CONTEXT = 32;
  function fill() {
    const box = document.getElementById("review-text");
    const form = document.getElementById("add-span");
    const selection = window.getSelection();
    if (!box || !form || !selection || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return;
    const exact = range.toString();
    if (!exact.trim()) return;
    const before = document.createRange();
    before.selectNodeContents(box);
    before.setEnd(range.startContainer, range.startOffset);
    const after = document.createRange();
    after.selectNodeContents(box);
    after.setStart(range.endContainer, range.endOffset);
    form.elements.exact.value = exact;
    form.elements.prefix.value = before.toString().slice(-CONTEXT);
    form.elements.suffix.value = after.toString().slice(0, CONTEXT);
    form.elements.occurrence.value = "";
  }
  function typed() {  // words typed by hand: the selection's context no longer applies
    const form = document.getElementById("add-span");
    form.elements.prefix.value = "";
    form.elements.suffix.value = "";
  }
  document.addEventListener("DOMContentLoaded", function () {
    const box = document.getElementById("review-text");
    const form = document.getElementById("add-span");
    if (!box || !form) return;
    box.addEventListener("mouseup", fill);
    box.addEventListener("keyup", fill);
    form.elements.exact.addEventListener("input", typed);
    form.elements.occurrence.addEventListener("input", typed);
  });
})();
