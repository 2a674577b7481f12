// Planner: the projected total, its predicate and the remaining gap follow every change of a target or
// of the assumed PATBM coverage. Same rule as clusters/planning.py (patbm_points, projected_total); the
// server recomputes with that rule when a scenario is saved, and its numbers are the ones kept.
(() => {
  const form = document.querySelector("form[data-planner]");
  if (!form) return;
  const format = new Intl.NumberFormat(document.documentElement.lang || "id", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  // Hundredths, so sums of two-decimal scores stay exact; accepts a decimal comma or point.
  const cents = (text) => {
    let clean = String(text ?? "").trim();
    if (clean.includes(",")) clean = clean.replace(/\./g, "").replace(",", ".");
    const value = Number.parseFloat(clean);
    return Number.isFinite(value) ? Math.round(value * 100) : null;
  };
  const bandsElement = document.getElementById("predicate-bands");
  const bands = bandsElement ? JSON.parse(bandsElement.textContent) : [];
  const predicate = (hundredths) => {
    let name = "—";
    for (const band of bands) {
      const lower = cents(band.lower);
      if (band.inclusive ? hundredths >= lower : hundredths > lower) name = band.name;
    }
    return name;
  };
  const targets = [...form.querySelectorAll("input[data-target]")];
  const extra = form.querySelector("input[data-extra-kelurahan]");
  const bonusIndicator = form.dataset.bonusIndicator;
  const perPercent = Number.parseFloat(form.dataset.pointsPerPercent || "0");
  const covered = Number.parseInt(form.dataset.covered || "0", 10);
  const totalKelurahan = Number.parseInt(form.dataset.totalKelurahan || "0", 10);
  const goal = cents(form.dataset.goalEntry);
  const show = (name, text) => {
    const element = form.querySelector(`[data-projected=${name}]`);
    if (element) element.textContent = text;
  };

  const patbmCents = () => {
    const added = Math.min(Math.max(Number.parseInt(extra?.value || "0", 10) || 0, 0), Math.max(totalKelurahan - covered, 0));
    if (!bonusIndicator || totalKelurahan <= 0 || added <= 0 || perPercent <= 0) return 0;
    return Math.round((perPercent * 100 * added * 100) / totalKelurahan);
  };

  const update = () => {
    const bonus = patbmCents();
    let total = 0;
    for (const input of targets) {
      const max = cents(input.dataset.max);
      let value = cents(input.value);
      if (value === null) value = cents(input.dataset.base);
      value = Math.min(Math.max(value, 0), max);
      if (input.dataset.number === bonusIndicator) value = Math.min(value + bonus, max);
      total += value;
    }
    show("total", format.format(total / 100));
    show("predicate", predicate(total));
    if (goal !== null) show("gap", format.format(Math.max(goal - total, 0) / 100));
    const patbm = form.querySelector("[data-patbm-points]");
    if (patbm) patbm.textContent = bonus ? `(+${format.format(bonus / 100)})` : "";
  };
  form.addEventListener("input", update);
  update();
})();
