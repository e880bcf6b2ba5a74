// The trainee's mastery chart: % fully correct per clause, from the page's #mastery-data.
(function () {
  const source = document.getElementById("mastery-data");
  const canvas = document.getElementById("mastery-chart");
  if (!source || !canvas) return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {labels: data.labels, datasets: [{label: "% correct", data: data.values, backgroundColor: "#2f5aa8"}]},
    options: {maintainAspectRatio: false, plugins: {legend: {display: false}}, scales: {y: {min: 0, max: 100, title: {display: true, text: "% fully correct"}}, x: {title: {display: true, text: "Clause"}}}},
  });
})();
