// Draws the stream's volume chart from the JSON the page embeds; the table stays for no-JS.
document.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("volume-chart");
  var source = document.getElementById("volume-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var series = [["negative", "#dc2626"], ["neutral", "#9ca3af"], ["positive", "#16a34a"]];
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: series.map(function (s) {
        return { label: s[0], data: data[s[0]], backgroundColor: s[1], stack: "all" };
      })
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { x: { stacked: true, ticks: { maxTicksLimit: 12 } },
                y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
});
