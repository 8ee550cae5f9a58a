// Strength meter for new-password inputs marked data-password-strength. Advisory only: the server's validator
// (same zxcvbn lists, score 3 or more) decides. Runs in the browser, so the password is never sent anywhere early.
(function () {
    'use strict';
    var labels = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'];
    // zxcvbn's own advice is English; in another language the meter shows its level and our hint only.
    var english = (document.documentElement.lang || 'en').indexOf('en') === 0;
    var styles = ['bg-danger', 'bg-danger', 'bg-warning', 'bg-success', 'bg-success'];

    function setUp(input) {
        var meter = document.getElementById(input.getAttribute('data-password-strength'));
        if (!meter || typeof window.zxcvbn !== 'function') return;
        var bar = meter.querySelector('.progress-bar');
        var text = meter.querySelector('[data-strength-text]');
        var words = labels.map(function (label, i) { return meter.getAttribute('data-label-' + i) || label; });
        var shortHint = meter.getAttribute('data-short-hint') || 'Use at least 12 characters.';
        // The level and the hint joined as the page's language joins them ("Weak - ...", "弱：...").
        var levelAndHint = meter.getAttribute('data-level-and-hint') || '{0} - {1}';
        var emailInput = document.getElementById('Email');
        // The words the server's check adds (its list of common Chinese words, and the signed-in person's address on a
        // page without an Email field), so the meter and the server agree (Chinese UI test).
        var extra = (input.getAttribute('data-password-words') || '').split(/[\s@.\-_+]+/).filter(function (w) { return w.length > 0; });
        input.addEventListener('input', function () {
            var value = input.value;
            if (!value) {
                bar.style.width = '0%';
                text.textContent = '';
                return;
            }
            var result = window.zxcvbn(value.slice(0, 128), (emailInput && emailInput.value ? emailInput.value.split(/[@.\-_+]/) : []).concat(extra));
            var score = value.length < 12 ? Math.min(result.score, 1) : result.score;
            bar.className = 'progress-bar ' + styles[score];
            bar.style.width = ((score + 1) * 20) + '%';
            meter.querySelector('.progress').setAttribute('aria-valuenow', String(score));
            var hint = value.length < 12 ? shortHint : english ? (result.feedback.warning || (result.feedback.suggestions[0] || '')) : '';
            text.textContent = hint ? levelAndHint.replace('{0}', words[score]).replace('{1}', hint) : words[score];
        });
    }

    document.querySelectorAll('input[data-password-strength]').forEach(setUp);
})();
