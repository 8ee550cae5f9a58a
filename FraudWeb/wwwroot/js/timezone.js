// Tells the server the browser's time zone (an IANA name), so pages show times as the visitor's clock does.
(function () {
    try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (!zone) return;
        var cookie = 'FraudWeb.TimeZone=' + encodeURIComponent(zone);
        if (document.cookie.split('; ').indexOf(cookie) >= 0) return;
        document.cookie = cookie + '; path=/; max-age=31536000; samesite=lax' + (location.protocol === 'https:' ? '; secure' : '');
    } catch (e) {
        // Without Intl the pages keep showing UTC and say so.
    }
})();
