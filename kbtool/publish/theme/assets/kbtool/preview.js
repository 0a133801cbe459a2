/* kbtool preview only: reload the page when the author's preview build changes. */
(function () {
  "use strict";
  var config = document.getElementById("__config");
  var base = config ? JSON.parse(config.textContent).base : ".";
  var url = base + "/assets/kbtool/preview-version.txt";
  var seen = null;
  function poll() {
    fetch(url, { cache: "no-store" }).then(function (response) {
      return response.ok ? response.text() : seen;
    }).then(function (version) {
      if (seen !== null && version !== null && version !== seen) {
        window.location.reload();
      }
      seen = version;
    }).catch(function () { /* the preview server restarts; try again */ });
  }
  poll();
  window.setInterval(poll, 1000);
})();
