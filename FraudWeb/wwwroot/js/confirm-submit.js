// Forms whose action cannot be undone carry data-confirm: the browser asks before sending. Without JavaScript the
// form is sent at once, as before (the server does not depend on the question).
(function () {
    document.addEventListener('submit', function (event) {
        var form = event.target;
        if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) return;
        if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
    }, true);
})();
