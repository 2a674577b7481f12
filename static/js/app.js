// Small progressive enhancements; every page works without this file.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});

// Tables marked .table-stack become one card per row on a phone (css/app.css): each cell gets its
// column's heading as data-label, shown beside the value once the table is marked data-stacked.
// Without this script such a table simply scrolls inside its .table-responsive box.
function labelStackedTables() {
  document.querySelectorAll("table.table-stack:not([data-stacked])").forEach((table) => {
    const headings = [];
    const headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    Array.from(headRow ? headRow.cells : []).forEach((cell) => {
      for (let i = 0; i < cell.colSpan; i += 1) headings.push(cell.textContent.trim().replace(/\s+/g, " "));
    });
    Array.from(table.tBodies).concat(table.tFoot ? [table.tFoot] : []).forEach((section) => {
      const covered = []; // per column, how many more rows a rowspan above still fills
      Array.from(section.rows).forEach((row) => {
        let column = 0;
        Array.from(row.cells).forEach((cell) => {
          while (covered[column] > 0) column += 1;
          // The first column names the row: it becomes the card's heading, without a label.
          if (column === 0) cell.dataset.stackHead = "";
          else if (headings[column] && !cell.hasAttribute("data-label")) cell.dataset.label = headings[column];
          for (let i = 0; i < cell.colSpan; i += 1) covered[column + i] = cell.rowSpan;
          column += cell.colSpan;
        });
        for (let i = 0; i < covered.length; i += 1) covered[i] = Math.max(0, (covered[i] || 0) - 1);
      });
    });
    table.dataset.stacked = "";
  });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", labelStackedTables);
} else {
  labelStackedTables();
}

// A "Print" button (data-print) on pages printed as they are.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
