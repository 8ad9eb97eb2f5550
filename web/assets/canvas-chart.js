// The confidence of each assumption over time, drawn by Chart.js from the JSON the page carries.
(function () {
  function draw() {
    const data = document.getElementById("confidence-data");
    if (!data || !window.Chart) return;
    const series = JSON.parse(data.textContent || "{}");
    for (const canvas of document.querySelectorAll("canvas[data-assumption]")) {
      const points = series[canvas.dataset.assumption] || [];
      const existing = window.Chart.getChart(canvas);
      if (existing) existing.destroy();
      new window.Chart(canvas, {
        type: "line",
        data: {
          labels: points.map((point) => point.date),
          datasets: [
            {
              label: "confidence %",
              data: points.map((point) => point.value),
              stepped: true,
              borderColor: "#2f5fd0",
              backgroundColor: "#2f5fd0",
              pointRadius: 4,
            },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: { y: { min: 0, max: 100, ticks: { stepSize: 25 } } },
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: { afterLabel: (item) => (points[item.dataIndex] && points[item.dataIndex].thread) || "" },
            },
          },
        },
      });
    }
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("leanos:refreshed", draw);
})();
