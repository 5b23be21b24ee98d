// Draws a bar chart on every <canvas data-chart="ID"> from the JSON [[label, value], ...] in <script id="ID">.
// The same numbers are always in a table next to the chart, so the page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var rows = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (row) { return row[0]; }),
        datasets: [{ label: canvas.dataset.label || "", data: rows.map(function (row) { return row[1]; }), backgroundColor: "#1f5fbf" }],
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  });
});
