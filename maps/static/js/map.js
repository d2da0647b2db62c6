// Progressive enhancement only: without JavaScript the map stays open and prints as it is.
(function () {
  var panels = document.querySelectorAll("details.map-panel");
  if (!panels.length) return;
  // On phones, start folded so the results come first; the summary still says what is inside.
  if (window.matchMedia("(max-width: 39.99rem)").matches) {
    panels.forEach(function (panel) { panel.open = false; });
  }
  // A folded map still prints.
  window.addEventListener("beforeprint", function () {
    panels.forEach(function (panel) { panel.open = true; });
  });
})();
