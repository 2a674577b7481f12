// Draws every Plotly figure on the page. Figures are built in Python and embedded with
// `json_script`; this file only hands them to plotly.js (loaded before it, from our own static files).
(function () {
  "use strict";
  const config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };

  // On a projector (a wide screen seen from afar) every text is drawn larger; the data stay as built.
  const projector = window.matchMedia("(min-width: 1800px)").matches;

  function enlarge(layout) {
    layout.font = Object.assign({}, layout.font, { size: ((layout.font && layout.font.size) || 12) * 1.3 });
    if (layout.title && layout.title.font) layout.title.font.size *= 1.3;
    (layout.annotations || []).forEach((note) => { if (note.font && note.font.size) note.font.size *= 1.3; });
    if (layout.height) layout.height = Math.round(layout.height * 1.2);
    return layout;
  }

  function draw(element) {
    const source = document.getElementById(element.dataset.figure);
    if (!source || !window.Plotly) return;
    const figure = JSON.parse(source.textContent);
    const layout = figure.layout || {};
    window.Plotly.newPlot(element, figure.data || [], projector ? enlarge(layout) : layout, config);
  }

  function drawAll() {
    document.querySelectorAll("[data-figure]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
