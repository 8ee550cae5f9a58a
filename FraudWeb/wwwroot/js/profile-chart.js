// Spending and stopped-payments chart on the profile page. Loaded as a file (no inline script) so the CSP can forbid inline code.
(function () {
    'use strict';
    var canvas = document.getElementById('spendRiskChart');
    if (!canvas || typeof Chart === 'undefined') {
        return;
    }
    // The words come from the page (data-label-*, data-axis-*), so the chart speaks the page's language.
    function text(name, fallback) {
        return canvas.getAttribute(name) || fallback;
    }
    fetch(canvas.getAttribute('data-source'), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (response) {
            if (!response.ok) {
                throw new Error('Chart data request failed: ' + response.status);
            }
            return response.json();
        })
        .then(function (data) {
            new Chart(canvas, {
                data: {
                    labels: data.days,
                    datasets: [
                        { type: 'bar', label: text('data-label-spend', 'Approved spend'), data: data.spend, yAxisID: 'spend', backgroundColor: '#0a58ca' },
                        { type: 'line', label: text('data-label-stopped', 'Payments held or declined'), data: data.stopped, yAxisID: 'stopped', borderColor: '#842029', backgroundColor: '#842029', tension: 0.2 }
                    ]
                },
                options: {
                    maintainAspectRatio: false,
                    animation: false,
                    interaction: { mode: 'index', intersect: false },
                    scales: {
                        spend: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: text('data-axis-spend', 'Spend') } },
                        stopped: { type: 'linear', position: 'right', beginAtZero: true, ticks: { precision: 0 }, grid: { drawOnChartArea: false }, title: { display: true, text: text('data-axis-stopped', 'Held or declined') } }
                    }
                }
            });
            canvas.setAttribute('data-rendered', 'true');
        })
        .catch(function (error) {
            canvas.insertAdjacentText('afterend', text('data-error-text', 'The chart could not be loaded.'));
            console.error(error);
        });
}());
