// Draws every <canvas data-chart="ID"> from the JSON that the page embeds in #ID.
// The tables beside the charts carry the same figures for readers without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var round = spec.type === "doughnut";
    // Counts get whole-number ticks: "2.5 new contributors" reads as a bug.
    var whole = spec.datasets.every(function (d) {
      return d.data.every(function (v) { return v === null || Number.isInteger(v); });
    });
    var chart = new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return {
            label: d.label, data: d.data, borderColor: round ? "#fff" : d.color,
            spanGaps: true,
            backgroundColor: round ? ["#c2410c", "#2563eb", "#9ca3af", "#16a34a", "#9333ea"]
                                   : (spec.type === "line" ? d.color + "22" : d.color),
            fill: spec.type === "line" && spec.datasets.length === 1, tension: 0.25,
            cubicInterpolationMode: "monotone",  // no curve dipping below zero
            pointRadius: spec.labels.length > 40 ? 0 : 3
          };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: round ? {} : {
          x: { stacked: spec.stacked, ticks: { maxTicksLimit: 10 } },
          y: { stacked: spec.stacked, beginAtZero: true, max: spec.maxY || undefined,
               ticks: { precision: whole ? 0 : undefined } }
        },
        plugins: { legend: { display: spec.datasets.length > 1 || round, position: "bottom" } }
      }
    });
    canvas.dataset.drawn = chart ? "1" : "";
  });
});
