/* kbtool public site: a static local script, no third-party requests.
 * - Shows the "past its review date" notice once the reader's date is after the page's
 *   data-next-review date, so a page that was current when built is flagged without a rebuild.
 * - Shows the print button on aftercare pages.
 * - Names the theme's search dialog for screen readers. */
(function () {
  "use strict";

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function localToday() {
    var now = new Date();
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function showOverdueNotices() {
    var today = localToday();
    var notices = document.querySelectorAll("[data-next-review]");
    for (var i = 0; i < notices.length; i++) {
      var due = notices[i].getAttribute("data-next-review") || "";
      if (/^\d{4}-\d{2}-\d{2}$/.test(due) && due < today) {
        notices[i].hidden = false;
        notices[i].setAttribute("data-overdue", "reader-date");
      }
    }
  }

  function enablePrint() {
    var buttons = document.querySelectorAll("[data-kb-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  }

  function nameSearchDialog() {
    var dialogs = document.querySelectorAll("[role=dialog]:not([aria-label]):not([aria-labelledby])");
    var label = document.querySelector(".md-search__input");
    for (var i = 0; i < dialogs.length; i++) {
      dialogs[i].setAttribute("aria-label", (label && label.getAttribute("aria-label")) || "Search");
    }
  }

  function run() {
    showOverdueNotices();
    enablePrint();
    nameSearchDialog();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
