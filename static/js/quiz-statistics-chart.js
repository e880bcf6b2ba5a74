// Quiz statistics: facility and discriminative efficiency per item, from the page's #items-chart-data.
(function () {
  const source = document.getElementById("items-chart-data");
  const canvas = document.getElementById("items-chart");
  if (!source || !canvas) return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        {label: "Facility (%)", data: data.facility, backgroundColor: "#2f5aa8"},
        {label: "Discriminative efficiency (%)", data: data.efficiency, backgroundColor: "#c77c02"},
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: {
        y: {suggestedMin: 0, suggestedMax: 100, title: {display: true, text: "%"}},
        x: {title: {display: true, text: "Item"}},
      },
    },
  });
})();
