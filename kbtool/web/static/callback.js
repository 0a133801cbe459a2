/* Follow-up call page: step through the warning-sign questions with the keyboard (1/Y yes,
   2/N no, 3/U not sure, Backspace undo, C copy, Esc back). An emergency "yes" stops the script
   and shows the call-120 card. The answers live only in this page: nothing is sent or saved;
   the summary is plain text for staff to paste into the hospital's own records. Entry text is
   only ever set with textContent. */
"use strict";
(function () {
  var t = KB.t;
  var dataNode = document.getElementById("callback-data");
  if (!dataNode) { return; }
  var script = JSON.parse(dataNode.textContent);
  var questions = script.questions || [];
  var items = questions.map(function (q, i) { return document.getElementById("q-" + i); });
  var emergency = document.getElementById("emergency");
  var emergencyAdvice = document.getElementById("emergency-advice");
  var done = document.getElementById("done");
  var summary = document.getElementById("callback-summary");
  var copyButton = document.getElementById("copy-summary");
  var answers = [];
  var GAP = script.lang === "en" ? " " : "";  /* between sentences: a space in English only */
  var LABELS = { yes: "callback_yes", no: "callback_no", unsure: "callback_unsure" };
  var KEYS = { "1": "yes", "y": "yes", "2": "no", "n": "no", "3": "unsure", "u": "unsure", "?": "unsure" };

  function stopped() {
    return answers.some(function (answer, i) { return answer === "yes" && questions[i].stop; });
  }

  function finished() {
    return !stopped() && answers.length === questions.length;
  }

  function advice(q, answer) {
    if (answer === "yes") { return q.stop ? script.if_emergency + GAP + q.action : q.action; }
    if (answer === "unsure") { return script.if_unsure; }
    return "";
  }

  function answer(value) {
    if (stopped() || answers.length >= questions.length) { return; }
    answers.push(value);
    render(true);
  }

  function undo() {
    if (!answers.length) { return; }
    answers.pop();
    render(true);
  }

  function restart() {
    answers = [];
    render(true);
  }

  function render(moveFocus) {
    var halted = stopped();
    items.forEach(function (item, i) {
      var given = answers[i];
      var current = i === answers.length && !halted;
      item.classList.remove("current", "pending", "answered", "answer-yes", "answer-no", "answer-unsure", "not-asked");
      item.classList.add(given ? "answered" : current ? "current" : halted ? "not-asked" : "pending");
      if (given) { item.classList.add("answer-" + given); }
      item.querySelector(".answer-buttons").hidden = !current;
      var result = item.querySelector(".result");
      result.textContent = given ? t(LABELS[given]) + (advice(questions[i], given) ? " → " + advice(questions[i], given) : "")
        : (halted ? t("summary_not_asked") : "");
    });
    emergency.hidden = !halted;
    if (halted) {
      var q = questions[answers.length - 1];
      emergencyAdvice.textContent = q.action;
    }
    done.hidden = !finished();
    summary.textContent = summaryText();
    if (!moveFocus) { return; }
    if (halted) { emergency.focus(); }
    else if (answers.length < items.length) { items[answers.length].focus(); }
    else { done.scrollIntoView({ block: "center" }); }
  }

  function fill(key, values) { return t(key, values); }

  function summaryText() {
    var lines = [fill("summary_heading", { title: script.title, id: script.id })];
    if (script.day) { lines.push(fill("summary_day", { day: script.day })); }
    var halted = stopped();
    questions.forEach(function (q, i) {
      var given = answers[i];
      var text = (i + 1) + ". " + q.ask + " — ";
      if (given) {
        text += t(LABELS[given]);
        if (given === "yes") { text += " → " + advice(q, given); }
      } else {
        text += halted ? t("summary_not_asked") : "—";
      }
      lines.push(text);
    });
    lines.push(t("summary_outcome") + outcomes(halted).join(GAP ? "; " : "；"));
    lines.push(script.reviewed_on && script.review_state !== "changed" && script.review_state !== "draft"
      ? fill("summary_source", { id: script.id, date: script.reviewed_on })
      : fill("summary_unreviewed", { id: script.id, state: t("state_" + script.review_state) }));
    return lines.join("\n");
  }

  function outcomes(halted) {
    if (halted) { return [t("outcome_emergency")]; }
    var found = [];
    var yes = questions.filter(function (q, i) { return answers[i] === "yes"; });
    if (yes.some(function (q) { return q.urgency === "urgent"; })) { found.push(t("outcome_urgent")); }
    else if (yes.length) { found.push(t("outcome_routine")); }
    if (answers.indexOf("unsure") !== -1) { found.push(t("outcome_unsure")); }
    if (answers.length < questions.length) { found.push(t("outcome_incomplete")); }
    else if (!found.length) { found.push(t("outcome_none")); }
    return found;
  }

  items.forEach(function (item) {
    item.querySelectorAll("button[data-answer]").forEach(function (button) {
      button.addEventListener("click", function () { answer(button.getAttribute("data-answer")); });
    });
  });
  copyButton.addEventListener("click", function () { KB.copyText(summaryText(), copyButton); });
  document.getElementById("restart").addEventListener("click", restart);

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (KEYS[key]) {
      event.preventDefault();
      answer(KEYS[key]);
    } else if (key === "Backspace") {
      event.preventDefault();
      undo();
    } else if (key === "c") {
      event.preventDefault();
      KB.copyText(summaryText(), copyButton);
    } else if (key === "Escape") {
      var back = document.querySelector("a.back");
      if (back) { window.location.href = back.getAttribute("href"); }
    }
  });

  document.getElementById("callback-keys").hidden = false;
  document.getElementById("summary-box").hidden = false;
  render(false);
  if (items.length) { items[0].focus(); }
})();
