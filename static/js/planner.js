// Planner: the projected total, its predicate and the remaining gap follow every change of a target or
// of the assumed PATBM coverage. Same rule as planner/planning.py (patbm_points, projected_total); the
// server recomputes with that rule when a scenario is saved, and its numbers are the ones kept.
// Typed numbers are read by the server's rule (numbers.js): an unreadable target or count is marked
// and the projection shows "—" until it is corrected. A target above what the stage still lets change
// (data-ceiling, Start.ceiling on the server, which refuses it) is marked and counted at the ceiling.
(() => {
  const form = document.querySelector("form[data-planner]");
  const numbers = window.klaNumbers;
  if (!form || !numbers) return;
  const format = { format: (value) => numbers.formatHundredths(Math.round(value * 100)) };
  // Hundredths of a value the server wrote into the page ("35.00", "0.25").
  const cents = (text) => numbers.serverHundredths(text);
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

  // null while the count cannot be read.
  const patbmCents = () => {
    const typed = extra && extra.value.trim() ? numbers.wholeNumber(extra.value) : 0;
    if (extra) numbers.markUnreadable(extra, typed === null, numbers.message(form, extra.value, true));
    if (typed === null) return null;
    const added = Math.min(Math.max(typed, 0), Math.max(totalKelurahan - covered, 0));
    if (!bonusIndicator || totalKelurahan <= 0 || added <= 0 || perPercent <= 0) return 0;
    return Math.round((perPercent * 100 * added * 100) / totalKelurahan);
  };

  const markLocked = (input, over) => {
    const id = `${input.id || input.name}-locked`;
    let feedback = document.getElementById(id);
    // Already refused by the server, its message beside the field: one message is enough.
    if (over && input.classList.contains("is-invalid") && !("locked" in input.dataset)) return;
    if (over) {
      input.classList.add("is-invalid");
      input.dataset.locked = "";
    } else if ("locked" in input.dataset) {
      delete input.dataset.locked; // only undo our own mark, never the server's error
      if (!("unreadable" in input.dataset)) input.classList.remove("is-invalid");
    }
    if (over && !feedback) {
      feedback = document.createElement("div");
      feedback.id = id;
      feedback.className = "invalid-feedback d-block";
      feedback.textContent = `${form.dataset.lockedMessage} ${numbers.formatHundredths(cents(input.dataset.ceiling))}`;
      input.insertAdjacentElement("afterend", feedback);
    } else if (!over && feedback) {
      feedback.remove();
    }
  };

  const update = () => {
    const bonus = patbmCents();
    let total = bonus === null ? null : 0;
    for (const input of targets) {
      const max = cents(input.dataset.max);
      const empty = !input.value.trim(); // an empty target keeps the starting score
      let value = empty ? cents(input.dataset.base) : numbers.hundredths(input.value);
      numbers.markUnreadable(input, value === null, numbers.message(form, input.value));
      if (value === null || total === null) {
        total = null;
        continue;
      }
      value = Math.min(Math.max(value, 0), max);
      const ceiling = input.dataset.ceiling ? cents(input.dataset.ceiling) : max;
      markLocked(input, value > ceiling);
      value = Math.min(value, ceiling);
      if (input.dataset.number === bonusIndicator) value = Math.min(value + bonus, max);
      total += value;
    }
    if (total === null) {
      show("total", "—");
      show("predicate", "—");
      if (goal !== null) show("gap", "—");
    } else {
      show("total", format.format(total / 100));
      show("predicate", predicate(total));
      if (goal !== null) show("gap", format.format(Math.max(goal - total, 0) / 100));
    }
    const patbm = form.querySelector("[data-patbm-points]");
    if (patbm) patbm.textContent = bonus ? `(+${format.format(bonus / 100)})` : "";
  };
  form.addEventListener("input", update);
  update();
})();
