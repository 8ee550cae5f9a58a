// A form the server sent back with errors: focus moves to the first wrong field, which names its message
// (aria-invalid, aria-describedby: InvalidFieldTagHelper), so a screen reader says at once what to fix.
(function () {
    'use strict';
    var first = document.querySelector('[aria-invalid="true"]');
    if (first && typeof first.focus === 'function') first.focus();
}());
