// Forms whose action cannot be undone carry data-confirm: the browser asks before sending. Without JavaScript the
// form is sent at once, as before (the server does not depend on the question).
(function () {
    document.addEventListener('submit', function (event) {
        var form = event.target;
        if (!(form instanceof HTMLFormElement)) return;
        // The button pressed may ask its own question (a form with two decisions asks only about the final one).
        var asking = event.submitter && event.submitter.hasAttribute('data-confirm') ? event.submitter : form;
        if (!asking.hasAttribute('data-confirm')) return;
        if (!window.confirm(asking.getAttribute('data-confirm'))) event.preventDefault();
    }, true);
})();
