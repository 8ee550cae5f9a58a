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
    if (first && typeof first.focus === 'function') first.focus();
}());
