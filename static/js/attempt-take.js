// The question page of an attempt (quiz/quizzes/attempt_take.html).
// Narrow the clause list to the verdict chosen (by mouse or keyboard); the server checks the same rule.
(function () {
  const groups = JSON.parse(document.getElementById("clause-groups").textContent);
  const select = document.getElementById("id_clause_id");
  const status = document.getElementById("clause-status");
  if (!select) return;
  function narrow(announce) {
    const chosen = document.querySelector("input[name=verdict]:checked");
    const allowed = !chosen ? null : (chosen.value === "violating" ? groups.violating : [""].concat(groups.permitted));
    let shown = 0;
    for (const option of select.options) {
      const ok = allowed === null || allowed.includes(option.value);
      option.hidden = !ok; option.disabled = !ok;
      if (ok) shown += 1;
    }
    for (const group of select.querySelectorAll("optgroup")) {
      group.hidden = Array.from(group.children).every((option) => option.disabled);
    }
    if (select.selectedOptions.length && select.selectedOptions[0].disabled) select.value = allowed[0];
    if (announce && status && chosen) {
      status.textContent = "Clause list narrowed to " + shown + " choices that fit a " + chosen.parentElement.textContent.trim().toLowerCase() + " verdict.";
    }
  }
  document.querySelectorAll("input[name=verdict]").forEach((radio) => radio.addEventListener("change", () => narrow(true)));
  narrow(false);
})();
// Put the keyboard on the question: the first control with a problem, else the first control.
(function () {
  const form = document.getElementById("answer-form");
  if (!form) return;
  const controls = "input:not([type=hidden]), select, textarea";
  const target = form.querySelector("[aria-invalid=true], fieldset[aria-describedby] input") || form.querySelector(controls);
  if (target) target.focus({preventScroll: false});
})();
(function () {
  const deadline = document.getElementById("deadline"), left = document.getElementById("time-left");
  const alert = document.getElementById("time-alert");
  if (!deadline) return;
  const end = new Date(deadline.getAttribute("datetime"));
  const warned = new Set();
  function tick() {
    const seconds = Math.max(0, Math.round((end - new Date()) / 1000));
    left.textContent = "(" + Math.floor(seconds / 60) + " min " + (seconds % 60) + " s left)";
    for (const minutes of [5, 1]) {
      if (seconds <= minutes * 60 && seconds > 0 && !warned.has(minutes)) {
        warned.add(minutes);
        alert.textContent = minutes + (minutes === 1 ? " minute" : " minutes") + " left to submit.";
      }
    }
  }
  tick(); setInterval(tick, 1000);
})();
