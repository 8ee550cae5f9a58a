// Labels each cell of a .table-stack table with its column's heading (data-label), which the phone layout shows
// before the value (site.css). Cells that already carry a label (set by the server) keep it.
(function () {
    'use strict';
    document.querySelectorAll('table.table-stack').forEach(function (table) {
        var headings = Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) { return th.textContent.trim(); });
        table.querySelectorAll('tbody tr').forEach(function (row) {
            Array.prototype.forEach.call(row.children, function (cell, index) {
                if (!cell.hasAttribute('data-label') && headings[index]) cell.setAttribute('data-label', headings[index]);
            });
        });
    });
}());
