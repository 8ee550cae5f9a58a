// The payment form's merchant search without leaving the page: typing asks /Transactions/Merchants and refills the
// merchant list. Without JavaScript the Search button posts the whole payment form to /Transactions/Search, which
// shows it again with the matches (card and amount kept), so this is an enhancement only.
(function () {
    'use strict';
    var input = document.getElementById('MerchantSearch');
    var select = document.querySelector('[data-merchant-select]');
    var status = document.getElementById('merchant-search-status');
    var button = document.querySelector('[data-merchant-search]');
    if (!input || !select || !status || !button || !window.fetch) return;
    var merchantsUrl = input.getAttribute('data-merchants-url');
    // Searching no longer submits: the Search button stops being the form's first submit button, so Enter in the
    // card, merchant or amount field pays, as in any form; Enter in the search box searches.
    button.type = 'button';
    button.removeAttribute('formaction');
    var timer = null;
    var latest = 0;

    function option(merchant, text) {
        var element = document.createElement('option');
        element.value = String(merchant.id);
        element.textContent = text;
        return element;
    }

    function fill(result) {
        var chosen = select.value;
        var keep = null;
        Array.prototype.forEach.call(select.options, function (o) {
            if (o.value === chosen && chosen !== '') keep = { id: o.value, text: o.textContent };
        });
        while (select.options.length > 1) select.remove(1);
        Array.prototype.slice.call(select.querySelectorAll('optgroup')).forEach(function (g) { g.remove(); });
        var groups = {};
        var found = false;
        result.merchants.forEach(function (merchant) {
            if (String(merchant.id) === chosen) found = true;
            var group = groups[merchant.category];
            if (!group) {
                group = document.createElement('optgroup');
                group.label = merchant.category;
                groups[merchant.category] = group;
                select.appendChild(group);
            }
            group.appendChild(option(merchant, merchant.label));
        });
        // The merchant already chosen stays chosen, even when the new search does not find it: right after the
        // placeholder, a child of the list itself (options[1] may sit inside an optgroup, where insertBefore throws).
        if (keep && !found) select.options[0].after(option({ id: keep.id }, keep.text));
        select.value = chosen;
        // The server words the status in the page's language (the same line the page would show).
        status.textContent = result.status;
    }

    function search() {
        var request = ++latest;
        var url = merchantsUrl + '?search=' + encodeURIComponent(input.value);
        fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
            .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
            .then(function (result) { if (request === latest) fill(result); })
            .catch(function () { if (request === latest) status.textContent = status.getAttribute('data-failed-text'); });
    }

    input.addEventListener('input', function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(search, 250);
    });
    function searchNow(event) {
        event.preventDefault();
        window.clearTimeout(timer);
        search();
    }
    button.addEventListener('click', searchNow);
    input.addEventListener('keydown', function (event) {
        if (event.key === 'Enter') searchNow(event);
    });
    // Typed before this script ran (a slow connection): the words in the box are not what the page was built for.
    if (input.value !== input.defaultValue) search();
})();
