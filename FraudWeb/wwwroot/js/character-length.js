// The client half of CharacterLengthAttribute: a text's length in characters (code points), as the server and
// PostgreSQL count it. jQuery Validation's own length rules count UTF-16 units, so a name of rare Chinese characters
// (two units each) would be refused here and accepted there.
(function ($) {
    'use strict';
    if (!$ || !$.validator || !$.validator.unobtrusive) return;
    $.validator.addMethod('characters', function (value, element, bounds) {
        var length = Array.from(value).length;
        return this.optional(element) || (length >= bounds[0] && length <= bounds[1]);
    });
    $.validator.unobtrusive.adapters.add('characters', ['min', 'max'], function (options) {
        options.rules.characters = [Number(options.params.min), Number(options.params.max)];
        options.messages.characters = options.message;
    });
}(window.jQuery));
