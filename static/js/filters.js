// Progressive enhancement only: on narrow screens, start with the filter panel folded so the
// results come first. Without JavaScript the panel is simply open.
(function () {
  var panel = document.getElementById("filter-panel");
  if (panel && window.matchMedia("(max-width: 59.99rem)").matches) {
    panel.open = false;
  }
})();
