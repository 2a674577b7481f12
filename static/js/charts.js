// Draws every Plotly figure on the page. Figures are built in Python and embedded with
// `json_script`; this file only hands them to plotly.js (loaded before it, from our own static files).
// Once every figure is drawn, <html> gets data-charts-drawn and the document a "charts:drawn" event
// (printing waits for it: js/report.js).
(function () {
  "use strict";
  const config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  // A copy for paper (data-print-width): fixed width, no toolbar, no interaction.
  const printConfig = { responsive: false, staticPlot: true, displayModeBar: false };

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
    if (!source || !window.Plotly) return Promise.resolve();
    const figure = JSON.parse(source.textContent);
    const layout = figure.layout || {};
    const printWidth = Number(element.dataset.printWidth);
    if (printWidth) {
      layout.width = printWidth;
      // At paper width a legend takes one row: the room kept above the plot for three (phone) goes.
      if (layout.margin && layout.margin.t > 64) layout.margin = Object.assign({}, layout.margin, { t: 64 });
      return window.Plotly.newPlot(element, figure.data || [], layout, printConfig);
    }
    return window.Plotly.newPlot(element, figure.data || [], projector ? enlarge(layout) : layout, config);
  }

  function drawAll() {
    const drawing = Array.from(document.querySelectorAll("[data-figure]"), draw);
    Promise.all(drawing).finally(() => {
      document.documentElement.dataset.chartsDrawn = "true";
      document.dispatchEvent(new Event("charts:drawn"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
