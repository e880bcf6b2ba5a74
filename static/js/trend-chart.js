// The agreement trend chart (lead dashboard, agreement overview), from the page's #trend-data.
(function () {
  const data = JSON.parse(document.getElementById("trend-data").textContent);
  const palette = ["#7c3aed", "#db2777", "#0891b2", "#ca8a04", "#4b5563"];
  const datasets = [
    // The interval is drawn as a band: the high line fills down to the low line.
    {label: "alpha 95% interval", data: data.alpha_low, borderColor: "rgba(29,78,216,0)", pointRadius: 0, spanGaps: true, fill: false},
    {label: "alpha 95% interval (high)", data: data.alpha_high, borderColor: "rgba(29,78,216,0)", backgroundColor: "rgba(29,78,216,0.12)", pointRadius: 0, spanGaps: true, fill: "-1"},
    {label: "Krippendorff's alpha", data: data.alpha, borderColor: "#1d4ed8", backgroundColor: "#1d4ed8", borderWidth: 3, spanGaps: true},
    {label: "Gwet's AC1", data: data.ac1, borderColor: "#059669", backgroundColor: "#059669", spanGaps: true},
    {label: "Percent agreement", data: data.percent, borderColor: "#9ca3af", backgroundColor: "#9ca3af", spanGaps: true},
    {label: "Alpha threshold (" + data.threshold + ")", data: data.labels.map(() => data.threshold), borderColor: "#dc2626", borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5},
  ];
  (data.teams || []).forEach(function (team, index) {
    datasets.push({label: "alpha: " + team.label, data: team.data, borderColor: palette[index % palette.length], backgroundColor: palette[index % palette.length], borderWidth: 1.5, pointRadius: 2, borderDash: [2, 2], spanGaps: true});
  });
  new Chart(document.getElementById("trend-chart"), {
    type: "line",
    data: {labels: data.labels, datasets: datasets},
    options: {
      responsive: true, maintainAspectRatio: false,
      interaction: {mode: "index", intersect: false},
      scales: {y: {suggestedMin: 0, max: 1, title: {display: true, text: "agreement (1 = perfect, 0 = chance)"}}},
      plugins: {
        // On a phone the legend goes below the plot with small swatches, so the lines keep their room.
        legend: {position: window.innerWidth < 640 ? "bottom" : "top", labels: {boxWidth: window.innerWidth < 640 ? 12 : 40, filter: (item) => item.text !== "alpha 95% interval (high)"}},
        tooltip: {
          filter: (item) => !item.dataset.label.startsWith("alpha 95% interval"),
          callbacks: {label: (ctx) => ctx.dataset.label + ": " + (ctx.parsed.y === null ? "–" : ctx.parsed.y.toFixed(2))},
        },
      },
    },
  });
})();
