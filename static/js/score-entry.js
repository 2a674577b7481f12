// Self-assessment entry: updates the cluster subtotal, the totals and the gap to Nindya while scores
// are typed. Progressive: without it the form works the same, and the server shows the real numbers
// after saving.
(() => {
  const form = document.querySelector("form[data-score-form]");
  const summary = document.getElementById("summary");
  if (!form || !summary) return;

  const format = new Intl.NumberFormat(document.documentElement.lang || "id", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  // Hundredths, so that sums of two-decimal scores stay exact.
  const cents = (text) => {
    const value = Number.parseFloat(String(text ?? "").replace(",", "."));
    return Number.isFinite(value) ? Math.round(value * 100) : 0;
  };
  const show = (selector, root, hundredths) => {
    const element = root.querySelector(selector);
    if (element) element.textContent = format.format(hundredths / 100);
  };

  const inputs = [...form.querySelectorAll("input[data-score-input]")];
  const savedCluster = cents(form.dataset.clusterSelf);
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
    const typed = inputs.reduce((sum, input) => sum + cents(input.value), 0);
    const change = typed - savedCluster;
    show("[data-cluster-subtotal]", form, typed);
    show("[data-summary=self]", summary, savedSelf + change);
    show("[data-summary=final]", summary, savedFinal + change);
    if (goal !== null) show("[data-summary=gap]", summary, Math.max(goal - (savedFinal + change), 0));
    const predicateElement = summary.querySelector("[data-summary=predicate]");
    if (predicateElement && bands.length) predicateElement.textContent = predicate(savedFinal + change);
  };
  form.addEventListener("input", (event) => {
    if (event.target.matches("input[data-score-input]")) update();
  });
  // A form sent back with errors or a conflict holds the user's input, not the saved scores.
  update();
})();
