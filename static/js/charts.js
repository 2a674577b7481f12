// Draws every Plotly figure on the page. Figures are built in Python and embedded with
// `json_script`; this file only hands them to plotly.js (loaded before it, from our own static files).
// Once every figure is drawn, <html> gets data-charts-drawn and the document a "charts:drawn" event
// (printing waits for it: js/report.js).
//
// A screen chart follows its container: the figure's height becomes the container's CSS height
// (--chart-height, scaled in css/app.css for phones and projectors), plotly draws at the container's
// size, and a ResizeObserver redraws it whenever the container changes (window resize, phone
// rotation, a column that wraps under another), so a chart never keeps a stale size and spills over
// the table under it.
(function () {
  "use strict";
  const config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  // A copy for paper (data-print-width): fixed width, no toolbar, no interaction.
  const printConfig = { responsive: false, staticPlot: true, displayModeBar: false };

  // On a projector (a wide screen seen from afar) every text is drawn larger; the data stay as built.
  const projector = window.matchMedia("(min-width: 1800px)");

  function enlarge(layout) {
    layout.font = Object.assign({}, layout.font, { size: ((layout.font && layout.font.size) || 12) * 1.3 });
    if (layout.title && layout.title.font) layout.title.font.size *= 1.3;
    (layout.annotations || []).forEach((note) => { if (note.font && note.font.size) note.font.size *= 1.3; });
    return layout;
  }

  function figureOf(element) {
    const source = document.getElementById(element.dataset.figure);
    return source ? JSON.parse(source.textContent) : null;
  }

  function screenLayout(element, figure) {
    const layout = figure.layout || {};
    if (layout.height) element.style.setProperty("--chart-height", `${layout.height}px`);
    // Sized by the container (CSS), not by numbers fixed when the page was first drawn.
    delete layout.height;
    delete layout.width;
    layout.autosize = true;
    return projector.matches ? enlarge(layout) : layout;
  }

  const pending = new Set();
  let frame = 0;

  function resizeLater(element) {
    pending.add(element);
    if (!frame) {
      frame = window.requestAnimationFrame(() => {
        frame = 0;
        pending.forEach((chart) => {
          // A hidden chart (printing shows the paper copy instead) is resized when it shows again.
          if (chart.data && chart.offsetParent !== null && chart.clientWidth > 0) {
            window.Plotly.Plots.resize(chart).catch(() => {});
          }
        });
        pending.clear();
      });
    }
  }

  const observer = "ResizeObserver" in window
    ? new ResizeObserver((entries) => entries.forEach((entry) => resizeLater(entry.target)))
    : null;

  function draw(element) {
    const figure = figureOf(element);
    if (!figure || !window.Plotly) return Promise.resolve();
    const printWidth = Number(element.dataset.printWidth);
    if (printWidth) {
      const layout = figure.layout || {};
      layout.width = printWidth;
      // At paper width a legend takes one row: the room kept above the plot for three (phone) goes.
      if (layout.margin && layout.margin.t > 64) layout.margin = Object.assign({}, layout.margin, { t: 64 });
      return window.Plotly.newPlot(element, figure.data || [], layout, printConfig);
    }
    return window.Plotly.newPlot(element, figure.data || [], screenLayout(element, figure), config).then(() => {
      if (observer) observer.observe(element);
    });
  }

  // Crossing the projector width redraws the texts at the other size.
  projector.addEventListener("change", () => {
    document.querySelectorAll("[data-figure]:not([data-print-width])").forEach((element) => {
      const figure = figureOf(element);
      if (figure && element.data) window.Plotly.react(element, figure.data || [], screenLayout(element, figure), config);
    });
  });

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
