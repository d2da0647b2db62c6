// Progressive enhancement only; without JavaScript everything still works.
(function () {
  // On narrow screens, start with the filter panel folded so the results come first.
  var panel = document.getElementById("filter-panel");
  if (panel && window.matchMedia("(max-width: 59.99rem)").matches) {
    panel.open = false;
  }
  // Keep shared links short: leave out an empty search box and the default order.
  var form = document.getElementById("browse-form");
  if (form) {
    form.addEventListener("submit", function () {
      var query = form.elements.q;
      var sort = form.elements.sort;
      if (query && !query.value.trim()) query.disabled = true;
      if (sort && sort.selectedIndex === 0) sort.disabled = true;
    });
  }
})();
