/* kbtool patient-site search: the search box (partials/search.html) and its results.
 *
 * - Opens from the header's search icon, when the box gets focus (Tab reaches it), with "/", from
 *   the home page's search form, or with ?q=... in the address; Esc closes it and returns focus.
 * - Loads the index (search/patient-index.json) the first time search is used, then searches
 *   on every keystroke.
 * - Results show the title, the summary, the review state (需复审 once the page's review date
 *   has passed by the reader's date) and the section; ArrowDown/ArrowUp move between the box
 *   and the results, Enter opens the focused result (in the box: the first one). The result
 *   count is announced by a polite status region.
 * The list carries data-kb-query: the query its results are for (tests wait on it). */
(function () {
  "use strict";

  var root = document.querySelector("[data-kb-search]");
  if (!root || !window.KbSearch) return;

  var labels = JSON.parse(root.getAttribute("data-kb-labels") || "{}");
  var toggle = document.getElementById("__search");
  var input = root.querySelector(".md-search__input");
  var form = root.querySelector("[data-kb-search-form]");
  var status = root.querySelector("[role=status]");
  var list = root.querySelector(".md-search-result__list");
  var indexUrl = new URL(root.getAttribute("data-kb-index"), location.href);
  var siteRoot = new URL("../", indexUrl);
  var siteLang = root.getAttribute("data-kb-lang") || document.documentElement.lang;
  var header = document.querySelector("label.md-header__button[for='__search']");
  var LIMIT = 10;
  var index = null;
  var loading = null;
  var shown = null;
  var opener = null;

  function text(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return values && key in values ? values[key] : all;
    });
  }

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function today() {
    var now = new Date();
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function isOpen() {
    return !!(toggle && toggle.checked);
  }

  function setOpen(open) {
    if (!toggle || toggle.checked === open) return;
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change"));
  }

  function measure(name, started) {
    if (window.performance && performance.measure) {
      performance.measure(name, { start: started, end: performance.now() });
    }
  }

  function load() {
    if (!loading) {
      if (!index) status.textContent = labels.loading || "";
      var started = window.performance ? performance.now() : 0;
      loading = fetch(indexUrl.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          index = window.KbSearch.load(data);
          measure("kbtool-search-load", started);
          shown = null;
          search();
        })
        .catch(function () {
          loading = null;
          status.textContent = labels.error || "";
        });
    }
    return loading;
  }

  /* A result's review badge: [state class, words]. */
  function review(entry) {
    var state = entry[7], next = entry[6];
    if (state === "draft" || state === "changed") return [state, labels[state]];
    if (state === "overdue" || (next && next < today())) return ["overdue", labels.overdue];
    return ["current", text(labels.current, { date: entry[5] })];
  }

  function element(name, className, content) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function item(hit) {
    var entry = hit.entry, lang = entry[3], badge = review(entry);
    var li = element("li", "md-search-result__item");
    var link = element("a", "md-search-result__link");
    link.href = new URL(entry[0], siteRoot).href;
    if (lang !== siteLang) link.hreflang = lang;
    var article = element("article", "md-search-result__article kb-result");
    var title = element("h1", "kb-result__title", entry[1]);
    var meta = element("p", "kb-result__meta");
    var state = element("span", "kb-badge kb-badge--" + badge[0], badge[1]);
    if (badge[0] === "overdue") state.title = labels.overdue_help || "";
    meta.appendChild(state);
    meta.appendChild(element("span", "kb-result__type", labels["type." + entry[4]] || entry[4]));
    if (lang !== siteLang) meta.appendChild(element("span", "kb-result__lang", labels["lang." + lang] || lang));
    var summary = element("p", "kb-result__summary", entry[2]);
    if (lang !== siteLang) {
      title.lang = lang;
      summary.lang = lang;
    }
    article.appendChild(title);
    article.appendChild(meta);
    article.appendChild(summary);
    link.appendChild(article);
    li.appendChild(link);
    return li;
  }

  function render(query, found) {
    var items = document.createDocumentFragment();
    for (var i = 0; i < found.results.length; i++) items.appendChild(item(found.results[i]));
    list.textContent = "";
    list.appendChild(items);
    var count = found.total;
    var words = count === 0 ? labels.none : count === 1 ? labels.one : text(labels.other, { count: count });
    if (count > found.results.length) words = text(labels.more, { count: count, shown: found.results.length });
    status.textContent = words;
    list.setAttribute("data-kb-query", query);
  }

  function search() {
    var query = input.value;
    if (!index || query === shown) return;
    shown = query;
    if (!query.trim()) {
      list.textContent = "";
      status.textContent = labels.hint || "";
      list.setAttribute("data-kb-query", query);
      return;
    }
    try {
      render(query, index.search(query, { lang: siteLang, limit: LIMIT }));
    } catch (error) {
      list.textContent = "";
      status.textContent = labels.error || "";
      list.setAttribute("data-kb-query", query);
      if (window.console) console.error(error);
    }
  }

  function open(query) {
    if (!isOpen()) {
      var active = document.activeElement;
      opener = active && active !== document.body && !root.contains(active) ? active : null;
      setOpen(true);
    }
    if (typeof query === "string") input.value = query;
    if (document.activeElement !== input) input.focus();
    load();
    search();
  }

  function close(restoreFocus) {
    if (!isOpen()) return;
    setOpen(false);
    if (restoreFocus !== false) {
      if (opener && opener.focus && document.contains(opener)) opener.focus();
      else input.blur();
    }
    if (/[?&]q=/.test(location.search) && window.history && history.replaceState) {
      var url = new URL(location.href);
      url.searchParams.delete("q");
      history.replaceState(history.state, "", url.href);
    }
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a[href]"));
  }

  function move(step) {
    var all = links(), at = all.indexOf(document.activeElement);
    if (!all.length) return;
    if (at < 0) {
      if (step > 0) all[0].focus();
      return;
    }
    var next = at + step;
    if (next < 0) input.focus();
    else all[Math.min(next, all.length - 1)].focus();
  }

  /* Every change searches, also while an input method is composing: its pinyin (gong'wai'yun)
   * finds the right pages already, and Android keyboards compose English words too. */
  input.addEventListener("input", function () {
    if (!isOpen()) open();
    search();
  });
  input.addEventListener("compositionend", search);
  input.addEventListener("focus", function () {
    if (!isOpen()) open();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = links()[0];
    if (first) first.click();
  });
  form.addEventListener("reset", function () {
    setTimeout(function () {
      input.focus();
      search();
    }, 0);
  });

  root.addEventListener("keydown", function (event) {
    if (!isOpen() || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (event.target === input || list.contains(event.target)) {
        event.preventDefault();
        event.stopPropagation();
        move(event.key === "ArrowDown" ? 1 : -1);
      }
    }
  });
  root.addEventListener("focusout", function (event) {
    var next = event.relatedTarget;
    if (isOpen() && next && !root.contains(next) && next !== header) close(false);
  });

  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked) {
        if (document.activeElement !== input) setTimeout(function () { input.focus(); }, 0);
        load();
      }
    });
  }

  if (header) {
    /* The header's search icon stays a plain label, as in the theme: keyboard users reach the
     * search box itself by Tab (focusing it opens the search) or with "/". */
    header.addEventListener("click", function () {
      var active = document.activeElement;
      if (!isOpen()) opener = active && active !== document.body ? active : null;
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || isOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    open();
  });

  /* The home page's search form searches here too. */
  var home = document.querySelector("form.kb-search");
  if (home) {
    var homeInput = home.querySelector("input[name=q]");
    home.addEventListener("submit", function (event) {
      event.preventDefault();
      open(homeInput ? homeInput.value : "");
    });
    if (homeInput) homeInput.addEventListener("focus", load);
  }

  var params = new URLSearchParams(location.search);
  if (params.has("q")) open(params.get("q") || "");
})();
