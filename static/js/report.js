// The printable report: the "Cetak" button prints once every chart is drawn (js/charts.js), and the
// footer of each printed page (css/report.css, @page margin boxes) gets the date and stage from the page.
(() => {
  const footer = document.querySelector("[data-report-footer]");
  // A CSS string: quotes and backslashes escaped. Set through the CSSOM, which the CSP allows.
  const cssString = (text) => `"${text.replace(/["\\]/g, "\\$&")}"`;
  if (footer) {
    document.documentElement.style.setProperty("--report-footer", cssString(footer.dataset.reportFooter));
    document.documentElement.style.setProperty("--report-page", cssString(footer.dataset.pageLabel || ""));
    document.documentElement.dataset.reportFooter = "on";
  }
  const chartsDrawn = () => new Promise((resolve) => {
    if (!document.querySelector("[data-figure]") || document.documentElement.dataset.chartsDrawn) {
      resolve();
    } else {
      document.addEventListener("charts:drawn", resolve, { once: true });
    }
  });
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => chartsDrawn().then(() => window.print()));
  });
})();
