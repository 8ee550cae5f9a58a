// Model dashboard charts: data comes from the JSON block the server renders (no inline script).
(function () {
    'use strict';
    const block = document.getElementById('model-charts');
    if (!block || typeof Chart === 'undefined') return;
    const data = JSON.parse(block.textContent);
    // Series at 3:1 or more against the white card (Chart.js's default blue was 2.8:1, its half-transparent bars 1.6:1),
    // told apart by lightness too; no animation for who asks the system for less motion (accessibility test).
    const blue = '#0a58ca';
    const red = '#842029';
    if (window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches) Chart.defaults.animation = false;
    const points = (pairs) => pairs.map((p) => ({ x: p[0], y: p[1] }));
    // Series and axis names come from the canvas (data-series, data-x-title, ...), in the page's language.
    const word = (canvas, name, fallback) => canvas.getAttribute(name) || fallback;
    const line = (id, label, pairs, xTitle, yTitle) => {
        const canvas = document.getElementById(id);
        if (!canvas) return;
        label = word(canvas, 'data-series', label);
        xTitle = word(canvas, 'data-x-title', xTitle);
        yTitle = word(canvas, 'data-y-title', yTitle);
        new Chart(canvas, {
            type: 'line',
            data: { datasets: [{ label: label, data: points(pairs), pointRadius: 0, borderWidth: 2, borderColor: blue, backgroundColor: blue }] },
            options: {
                parsing: false,
                scales: {
                    x: { type: 'linear', min: 0, max: 1, title: { display: true, text: xTitle } },
                    y: { min: 0, max: 1, title: { display: true, text: yTitle } },
                },
            },
        });
    };
    line('roc-chart', 'ROC', data.roc || [], 'False positive rate', 'True positive rate');
    line('pr-chart', 'Precision-recall', data.precisionRecall || [], 'Recall', 'Precision');

    const buckets = (data.legitimateScores || []).map((_, i) => (i * 5) + '-' + (i * 5 + 5));
    const score = document.getElementById('score-chart');
    if (score) {
        new Chart(score, {
            type: 'bar',
            data: {
                labels: buckets,
                datasets: [
                    { label: word(score, 'data-series-legitimate', 'Legitimate'), data: data.legitimateScores || [], backgroundColor: blue },
                    { label: word(score, 'data-series-fraud', 'Fraud'), data: data.fraudScores || [], backgroundColor: red },
                ],
            },
            options: { scales: { y: { type: 'logarithmic', title: { display: true, text: word(score, 'data-y-title', 'Transactions') } }, x: { title: { display: true, text: word(score, 'data-x-title', 'Risk score') } } } },
        });
    }
    const importance = document.getElementById('importance-chart');
    if (importance) {
        new Chart(importance, {
            type: 'bar',
            data: { labels: data.importanceNames || [], datasets: [{ label: word(importance, 'data-series', 'Total split gain'), data: data.importanceValues || [], backgroundColor: blue }] },
            // Every feature named: the box is tall enough for all of them, so no label is skipped.
            options: { indexAxis: 'y', maintainAspectRatio: false, scales: { y: { ticks: { autoSkip: false } } } },
        });
    }
})();

// While a retraining run is queued or running, the runs and versions tables refresh themselves (the page's own HTML,
// fetched again every few seconds), so its end shows without reloading; polling stops once no run is active. A table is
// replaced only when it changed, and the focus goes back to the same control of the same row (a keyboard user on a
// Promote button lost it to the page every 3 s); the run's end is announced in a polite live region.
(function () {
    'use strict';
    const runs = document.getElementById('runs-body');
    if (!runs || !window.fetch || !window.DOMParser) return;
    const active = (body) => body.querySelector('[data-status="Queued"], [data-status="Running"]') !== null;
    // Each render carries new antiforgery tokens: they are not a change.
    const content = (body) => {
        const copy = body.cloneNode(true);
        copy.querySelectorAll('input[name="__RequestVerificationToken"]').forEach((i) => i.remove());
        return copy.innerHTML;
    };
    const rowKey = (row) => row.getAttribute('data-version') || row.getAttribute('data-run-id');
    const controls = (row) => Array.from(row.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea'));
    const replace = (current, fresh) => {
        const focused = document.activeElement;
        const row = focused && current.contains(focused) ? focused.closest('tr') : null;
        const at = row ? { key: rowKey(row), index: controls(row).indexOf(focused) } : null;
        const imported = document.importNode(fresh, true);
        current.replaceWith(imported);
        if (!at) return;
        const again = Array.from(imported.querySelectorAll('tr')).find((r) => rowKey(r) === at.key);
        const target = again ? controls(again)[at.index] : null;
        if (target) {
            target.focus();
            return;
        }
        // The row it was on is gone: the table's heading, so the keyboard stays in this part of the page.
        const heading = imported.closest('section') ? imported.closest('section').querySelector('h2') : null;
        if (heading) {
            heading.setAttribute('tabindex', '-1');
            heading.focus();
        }
    };
    const refresh = () => {
        if (!active(document.getElementById('runs-body'))) return;
        fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
            .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
            .then((html) => {
                const page = new DOMParser().parseFromString(html, 'text/html');
                ['runs-body', 'versions-body'].forEach((id) => {
                    const fresh = page.getElementById(id);
                    const current = document.getElementById(id);
                    if (fresh && current && content(fresh) !== content(current)) replace(current, fresh);
                });
                const announcer = document.getElementById('runs-announcer');
                if (announcer && !active(document.getElementById('runs-body'))) announcer.textContent = announcer.getAttribute('data-finished');
            })
            .catch(() => { /* the next tick tries again */ })
            .finally(() => window.setTimeout(refresh, 3000));
    };
    window.setTimeout(refresh, 3000);
})();
