/* Sortable, filterable tables for tables with class gp-interactive (plain JS, no network). */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.gp-interactive").forEach(function (table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = "Filter rows (any text: id, metric, 原文…)";
    box.className = "gp-filter";
    var count = document.createElement("span");
    count.className = "gp-count";
    table.parentNode.insertBefore(box, table);
    table.parentNode.insertBefore(count, table);
    function show() {
      var q = box.value.trim().toLowerCase(), n = 0;
      rows.forEach(function (r) {
        var hit = !q || r.textContent.toLowerCase().indexOf(q) !== -1;
        r.style.display = hit ? "" : "none";
        if (hit) n++;
      });
      count.textContent = " " + n + " of " + rows.length + " rows";
    }
    box.addEventListener("input", show);
    show();
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.style.cursor = "pointer";
      th.title = "Sort";
      th.addEventListener("click", function () {
        var asc = th.getAttribute("data-sort") !== "asc";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("data-sort"); });
        th.setAttribute("data-sort", asc ? "asc" : "desc");
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
          var nx = parseFloat(x.replace(/,/g, "")), ny = parseFloat(y.replace(/,/g, ""));
          var cmp = (!isNaN(nx) && !isNaN(ny) && /^[-\d.,]+$/.test(x) && /^[-\d.,]+$/.test(y)) ? nx - ny : x.localeCompare(y, "zh");
          return asc ? cmp : -cmp;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
});

/* A table wider than its box scrolls sideways: say so above it while columns are hidden (on load and on resize). */
window.addEventListener("load", function () {
  var boxes = document.querySelectorAll(".gp-table-wrap, .pst-scrollable-table-container");
  function mark() {
    boxes.forEach(function (box) {
      var hint = box.previousElementSibling && box.previousElementSibling.classList.contains("gp-scroll-hint")
        ? box.previousElementSibling : null;
      var hidden = box.scrollWidth - box.clientWidth > 4;
      if (hidden && !hint) {
        hint = document.createElement("div");
        hint.className = "gp-scroll-hint";
        hint.textContent = "More columns to the right: scroll the table sideways →";
        box.parentNode.insertBefore(hint, box);
      } else if (!hidden && hint) {
        hint.remove();
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
});
