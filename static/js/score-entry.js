// Self-assessment entry: updates the cluster subtotal, the totals and the gap to Nindya while scores
// are typed. On an indicator's question page (data-cap: the indicator's maximum) the typed questions
// add up to the indicator's score, at most its maximum, and the group subtotal follows it. Progressive: without it the form works the same, and the server shows the real numbers
// after saving. Scores are read by the server's rule (numbers.js): 3,5 = 3.5; an unreadable entry is
// marked, the cluster subtotal shows "—" and the summary keeps the stored totals until it is corrected,
// rather than counting it as 0 or 35 (or looking as if the stored totals were gone).
(() => {
  const form = document.querySelector("form[data-score-form]");
  const summary = document.getElementById("summary");
  const numbers = window.klaNumbers;
  if (!form || !summary || !numbers) return;

  // Hundredths of a value the server wrote ("562.40"); "" (nothing saved) as 0.
  const cents = (text) => numbers.serverHundredths(text) ?? 0;
  const show = (selector, root, hundredths) => {
    const element = root.querySelector(selector);
    if (element) element.textContent = hundredths === null ? "—" : numbers.formatHundredths(hundredths);
  };

  const inputs = [...form.querySelectorAll("input[data-score-input]")];
  // The stored figures as the server wrote them, shown again while an entry cannot be read.
  const stored = new Map(
    [...summary.querySelectorAll("[data-summary]")].map((element) => [element, element.textContent]),
  );
  const showStored = () => stored.forEach((text, element) => { element.textContent = text; });
  const savedCluster = cents(form.dataset.clusterSelf);
  const cap = form.dataset.cap ? cents(form.dataset.cap) : null;
  const savedGroup = form.dataset.groupSelf ? cents(form.dataset.groupSelf) : null;
  const savedSelf = cents(summary.dataset.self);
  const savedFinal = cents(summary.dataset.final);
  const goal = summary.dataset.goalEntry ? cents(summary.dataset.goalEntry) : null;
  const bandsElement = document.getElementById("predicate-bands");
  const bands = bandsElement ? JSON.parse(bandsElement.textContent) : [];
  // Same rule as clusters/scoring.py: the highest band whose lower bound the score passes.
  const predicate = (hundredths) => {
    let name = "—";
    for (const band of bands) {
      const lower = cents(band.lower);
      if (band.inclusive ? hundredths >= lower : hundredths > lower) name = band.name;
    }
    return name;
  };

  const update = () => {
    let typed = 0;
    for (const input of inputs) {
      const empty = !input.value.trim(); // not scored yet: counts as 0, as on the server
      let value = empty ? 0 : numbers.hundredths(input.value);
      let problem = numbers.message(form, input.value);
      // A score the server would refuse (negative, above the maximum) is not counted either.
      if (value !== null && value < 0) {
        [value, problem] = [null, input.dataset.negativeMessage];
      } else if (value !== null && input.dataset.max && value > cents(input.dataset.max)) {
        [value, problem] = [null, input.dataset.maxMessage];
      }
      numbers.markUnreadable(input, value === null, problem);
      typed = typed === null || value === null ? null : typed + value;
    }
    const counted = typed === null || cap === null ? typed : Math.min(typed, cap);
    show("[data-question-sum]", document, typed);
    // As on the server: an indicator none of whose questions is scored has no score yet.
    const noneScored = cap !== null && inputs.every((input) => !input.value.trim());
    show("[data-cluster-subtotal]", document, noneScored ? null : counted);
    if (typed === null) {
      showStored();
      if (savedGroup !== null) show("[data-group-subtotal]", document, savedGroup);
      return;
    }
    const change = counted - savedCluster;
    if (savedGroup !== null) show("[data-group-subtotal]", document, savedGroup + change);
    show("[data-summary=self]", summary, savedSelf + change);
    show("[data-summary=final]", summary, savedFinal + change);
    if (goal !== null) show("[data-summary=gap]", summary, Math.max(goal - (savedFinal + change), 0));
    // The next predicate's distance is the saved one's: hidden while the typed scores differ from it.
    const nextElement = summary.querySelector("#next-predicate");
    if (nextElement) nextElement.hidden = change !== 0;
    const predicateElement = summary.querySelector("[data-summary=predicate]");
    if (predicateElement && bands.length) predicateElement.textContent = predicate(savedFinal + change);
  };
  form.addEventListener("input", (event) => {
    if (event.target.matches("input[data-score-input]")) update();
  });
  // A form sent back with errors or a conflict holds the user's input, not the saved scores.
  update();
})();
