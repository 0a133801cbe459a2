/* Entry page: copy buttons. */
"use strict";
document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
  button.addEventListener("click", function () {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (target) { KB.copyText(target.textContent.trim(), button); }
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key === "Escape") {
    var back = document.querySelector("a.back");
    if (back) { window.location.href = back.getAttribute("href"); }
  }
});
