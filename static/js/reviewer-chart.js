// A reviewer's kappa against gold and accuracy by period, from the page's #reviewer-chart-data.
(function () {
  const source = document.getElementById("reviewer-chart-data");
  const canvas = document.getElementById("reviewer-chart");
  if (!source || !canvas) return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        {label: "Kappa vs gold", data: data.kappa, borderColor: "#2f5aa8", spanGaps: true},
        {label: "Accuracy", data: data.accuracy, borderColor: "#c77c02", spanGaps: true},
      ],
    },
    options: {maintainAspectRatio: false, scales: {y: {suggestedMin: 0, suggestedMax: 1}}},
  });
})();
