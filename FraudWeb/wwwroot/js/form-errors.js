// A form the server sent back with errors: focus moves to the first wrong field, which names its message
// (aria-invalid, aria-describedby: InvalidFieldTagHelper), so a screen reader says at once what to fix. With no wrong
// field (a wrong password, a refused payment) it moves to the summary, so the keyboard starts at the form, not the menu.
(function () {
    'use strict';
    var first = document.querySelector('[aria-invalid="true"]');
    if (!first) {
        first = document.querySelector('.validation-summary-errors');
        if (first) first.setAttribute('tabindex', '-1');
    }
    // A step the server asks to be read first (the payment's "please check the amount"): not announced when the page
    // loads with it, so the focus goes to it (accessibility test: it started at the top, eight stops away).
    // Not over a field the page itself focuses (autofocus: the two-step code), where the person types next (review).
    if (!first && !(document.activeElement && document.activeElement.hasAttribute('autofocus'))) first = document.querySelector('[data-focus-on-load]');
    if (first && typeof first.focus === 'function') first.focus();
}());
