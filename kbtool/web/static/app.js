/* Staff search page: results as you type, keyboard only works, nothing from entries is
   ever inserted as HTML (textContent only), so entry text cannot run script here. */
"use strict";
(function () {
  var t = KB.t;
  var script = document.getElementById("app-script");
  var uiLang = script ? script.getAttribute("data-lang") : "zh";
  var openFirst = script ? script.getAttribute("data-open") === "1" : false;
  var input = document.getElementById("q");
  var drafts = document.getElementById("include-drafts");
  var list = document.getElementById("results");
  var status = document.getElementById("status");
  var selected = -1;
  var timer = null;
  var idleTimer = null;
  var latest = 0;
  var DEBOUNCE_MS = 150;
  var IDLE_LOG_MS = 2500;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function highlighted(tag, className, text, spans) {
    var node = el(tag, className);
    var at = 0;
    (spans || []).forEach(function (span) {
      var start = span[0], end = span[1];
      if (start < at || end <= start || end > text.length) { return; }
      node.appendChild(document.createTextNode(text.slice(at, start)));
      node.appendChild(el("mark", null, text.slice(start, end)));
      at = end;
    });
    node.appendChild(document.createTextNode(text.slice(at)));
    return node;
  }

  function entryUrl(id) {
    return "/entries/" + encodeURIComponent(id) + (uiLang === "en" ? "?lang=en" : "");
  }

  function card(result, index) {
    var item = el("li", "card state-" + result.review_state);
    item.id = "result-" + index;
    item.tabIndex = -1;
    item.setAttribute("data-id", result.id);
    var head = el("div", "card-head");
    var link = highlighted("a", "title", result.title, (result.highlights || {}).title);
    link.href = entryUrl(result.id);
    head.appendChild(link);
    head.appendChild(el("span", "badge type", t("type_" + result.type)));
    head.appendChild(el("span", "badge state state-" + result.review_state, t("state_" + result.review_state)));
    item.appendChild(head);
    if (result.review_state === "overdue" || result.review_state === "changed" || result.review_state === "draft") {
      var warning = el("p", "warning", t("warn_" + result.review_state));
      warning.setAttribute("role", "note");
      item.appendChild(warning);
    }
    var flags = (result.red_flags || []).filter(function (flag) {
      return flag.urgency === "emergency" || flag.urgency === "urgent";
    });
    if (flags.length) {
      var ul = el("ul", "flags");
      flags.forEach(function (flag) {
        var li = el("li", "flag flag-" + flag.urgency);
        li.appendChild(el("span", "urgency", t(flag.urgency)));
        if (flag.urgency === "emergency") { li.appendChild(el("strong", "call", t("call_120"))); }
        li.appendChild(el("span", "when", flag.when));
        li.appendChild(document.createTextNode(" → "));
        li.appendChild(el("span", "action", flag.action));
        ul.appendChild(li);
      });
      item.appendChild(ul);
    }
    if (result.question) { item.appendChild(el("p", "question", result.question)); }
    var answer = el("div", "answer");
    answer.appendChild(highlighted("p", "summary", result.summary, (result.highlights || {}).summary));
    var copy = el("button", "copy", t("copy"));
    copy.type = "button";
    copy.addEventListener("click", function () { KB.copyText(result.summary, copy); });
    answer.appendChild(copy);
    item.appendChild(answer);
    if (result.staff_notes) {
      var notes = el("details", "notes");
      notes.appendChild(el("summary", null, t("staff_notes")));
      notes.appendChild(el("p", null, result.staff_notes));
      item.appendChild(notes);
    }
    item.addEventListener("click", function (event) {
      if (event.target.tagName !== "BUTTON" && event.target.tagName !== "A" && event.target.tagName !== "SUMMARY") {
        select(index);
      }
    });
    return item;
  }

  /* The address follows the search box, so a search can be copied as a link (/?q=...). */
  function followInAddress(query) {
    var params = [];
    if (query.trim()) { params.push("q=" + encodeURIComponent(query)); }
    if (uiLang === "en") { params.push("lang=en"); }
    var target = "/" + (params.length ? "?" + params.join("&") : "");
    if (window.location.pathname + window.location.search !== target) {
      window.history.replaceState(null, "", target);
    }
  }

  function render(data) {
    list.textContent = "";
    selected = -1;
    var results = data.results || [];
    if (!input.value.trim()) { status.textContent = ""; return; }
    var parts = [];
    if (data.corrected) { parts.push(t("showing_for", { corrected: data.corrected })); }
    parts.push(results.length ? t("results_count", { count: results.length }) : t("no_results"));
    status.textContent = parts.join(" · ");
    results.forEach(function (result, index) { list.appendChild(card(result, index)); });
    if (results.length) { select(0, false); }
    if (openFirst) {
      openFirst = false;  // only the link's first answer; going back shows the results
      if (results.length) { window.location.href = entryUrl(results[0].id); }
    }
  }

  function select(index, focus) {
    var cards = list.querySelectorAll("li.card");
    if (!cards.length) { return; }
    index = Math.max(0, Math.min(cards.length - 1, index));
    cards.forEach(function (node) { node.classList.remove("selected"); node.removeAttribute("aria-current"); });
    cards[index].classList.add("selected");
    cards[index].setAttribute("aria-current", "true");
    selected = index;
    if (focus !== false) {
      cards[index].focus();
      cards[index].scrollIntoView({ block: "nearest" });
    }
  }

  function search(log) {
    var query = input.value;
    var ticket = ++latest;
    followInAddress(query);
    if (!query.trim()) { render({ results: [] }); return; }
    status.textContent = t("loading");
    var url = "/api/search?q=" + encodeURIComponent(query) + "&limit=10" +
      (drafts && drafts.checked ? "&include_drafts=1" : "") + (log ? "&log=1" : "");
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ticket !== latest) { return; }
        if (data.error) { status.textContent = t("error") + ": " + data.error.message; return; }
        render(data);
      })
      .catch(function () { if (ticket === latest) { status.textContent = t("error"); } });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    clearTimeout(idleTimer);
    timer = setTimeout(function () { search(false); }, DEBOUNCE_MS);
    idleTimer = setTimeout(function () { search(true); }, IDLE_LOG_MS);
  });
  if (drafts) { drafts.addEventListener("change", function () { search(false); }); }

  document.addEventListener("keydown", function (event) {
    var cards = list.querySelectorAll("li.card");
    if (event.key === "ArrowDown" && cards.length) {
      event.preventDefault();
      select(selected + 1);
    } else if (event.key === "ArrowUp" && cards.length) {
      event.preventDefault();
      select(selected - 1);
    } else if (event.key === "Enter" && (event.target === input || event.target.classList.contains("card"))) {
      event.preventDefault();
      clearTimeout(idleTimer);
      if (selected >= 0 && cards[selected]) {
        window.location.href = entryUrl(cards[selected].getAttribute("data-id"));
      } else {
        search(true);
      }
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey &&
               event.target !== input && event.target.tagName !== "INPUT") {
      input.focus();  // typing anywhere goes back to the search box
    } else if (event.key === "Escape") {
      input.value = "";
      followInAddress("");
      render({ results: [] });
      input.focus();
    }
  });

  document.querySelector("form.search").addEventListener("submit", function (event) { event.preventDefault(); });
  input.focus();
  if (input.value) { search(false); }
})();
