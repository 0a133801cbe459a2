/* Entry page: copy buttons; Esc back to search, H to the follow-up call script (aftercare). */
"use strict";
document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
  button.addEventListener("click", function () {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (target) { KB.copyText(target.textContent.trim(), button); }
  });
});
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
  if ((event.key === "h" || event.key === "H") && document.getElementById("callback-link")) {
    window.location.href = document.getElementById("callback-link").getAttribute("href");
  } else if (event.key === "Escape") {
    var back = document.querySelector("a.back");
    if (back) { window.location.href = back.getAttribute("href"); }
  }
});
