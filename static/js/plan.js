// Progressive enhancement only: a "Print this plan" button. Without JavaScript the browser's own
// Print command gives the same handout.
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
