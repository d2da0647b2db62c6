// "Add to comparison", better with JavaScript: the choice is kept in this browser across pages
// (browse pages, filters, practice pages) until the comparison opens. Without JavaScript the same
// forms still work: ticks on one browse page, or one practice at a time from its page.
(function () {
  var KEY = "compare-practices";
  var MAX = 4;

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(stored) ? stored.filter(function (item) { return item && item.slug; }).slice(0, MAX) : [];
    } catch (error) {
      return [];
    }
  }
  function save(chosen) {
    try { window.localStorage.setItem(KEY, JSON.stringify(chosen.slice(0, MAX))); } catch (error) { /* private mode */ }
  }
  function has(chosen, slug) {
    return chosen.some(function (item) { return item.slug === slug; });
  }
  function without(chosen, slug) {
    return chosen.filter(function (item) { return item.slug !== slug; });
  }
  function compareUrl(action, chosen) {
    return action + "?" + chosen.map(function (item) { return "p=" + encodeURIComponent(item.slug); }).join("&");
  }
  function titles(chosen) {
    return chosen.map(function (item) { return "“" + item.title + "”"; }).join(", ");
  }

  // Browse: ticks remember what was chosen on other pages; the bar says how many. The browse page may
  // swap its results in place (filters.js), so the ticks are bound again after each swap.
  var form = document.getElementById("compare-form");
  function showChoice(chosen, note) {
    var status = document.getElementById("compare-status");
    var bar = document.getElementById("compare-bar");
    if (!status) return;
    if (!chosen.length) {
      status.textContent = status.getAttribute("data-empty");
    } else {
      status.textContent = (note ? note + " " : "") + chosen.length + " of " + MAX + " chosen: " + titles(chosen) + ".";
    }
    if (bar) bar.classList.toggle("compare-bar--active", chosen.length > 0);
  }
  function boxesOnPage() {
    return document.querySelectorAll(".compare-choice input[type=checkbox]");
  }
  function bindBrowse() {
    var boxes = boxesOnPage();
    if (!boxes.length) return;
    var chosen = load();
    boxes.forEach(function (box) {
      box.checked = has(chosen, box.value);
      box.addEventListener("change", function () {
        var current = load();
        var note = "";
        if (box.checked && !has(current, box.value)) {
          if (current.length >= MAX) {
            box.checked = false;
            note = "The comparison shows at most " + MAX + " practices; untick one first.";
          } else {
            current.push({ slug: box.value, title: box.getAttribute("data-title") });
          }
        } else if (!box.checked) {
          current = without(current, box.value);
        }
        save(current);
        showChoice(current, note);
      });
    });
    showChoice(chosen, "");
    var clear = document.getElementById("compare-clear");
    if (clear) {
      clear.hidden = false;
      clear.addEventListener("click", function () {
        save([]);
        boxesOnPage().forEach(function (box) { box.checked = false; });
        showChoice([], "");
      });
    }
  }
  if (form) {
    bindBrowse();
    document.addEventListener("browse:updated", bindBrowse);
    // Practices chosen on other pages go along with the ones ticked here.
    form.addEventListener("submit", function () {
      var onPage = {};
      boxesOnPage().forEach(function (box) { onPage[box.value] = true; });
      load().forEach(function (item) {
        if (onPage[item.slug]) return;
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "p";
        input.value = item.slug;
        form.appendChild(input);
      });
    });
  }

  // A practice's page: add it to (or take it out of) the choice without leaving the page.
  document.querySelectorAll("form.compare-add").forEach(function (addForm) {
    var slug = addForm.getAttribute("data-slug");
    var title = addForm.getAttribute("data-title");
    var button = addForm.querySelector("button");
    var note = addForm.querySelector(".compare-add__status");
    function render(message) {
      var current = load();
      var chosen = has(current, slug);
      button.textContent = chosen ? button.getAttribute("data-remove") : button.getAttribute("data-add");
      note.textContent = "";
      if (message) note.appendChild(document.createTextNode(message + " "));
      if (current.length >= 2) {
        var link = document.createElement("a");
        link.href = compareUrl(addForm.action, current);
        link.textContent = "Compare the " + current.length + " chosen";
        note.appendChild(link);
      } else if (chosen) {
        note.appendChild(document.createTextNode("Choose another practice to compare it with."));
      }
    }
    addForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var current = load();
      var message;
      if (has(current, slug)) {
        current = without(current, slug);
        message = "Taken out of the comparison.";
      } else if (current.length >= MAX) {
        message = "The comparison already has " + MAX + " practices: " + titles(current) + ".";
      } else {
        current.push({ slug: slug, title: title });
        message = "Added to the comparison.";
      }
      save(current);
      render(message);
    });
    render("");
  });

  // The comparison itself: what it shows becomes the choice, and it offers to print.
  var table = document.querySelector(".compare-table");
  if (table) {
    var shown = [];
    table.querySelectorAll("thead th[data-slug]").forEach(function (cell) {
      shown.push({ slug: cell.getAttribute("data-slug"), title: cell.getAttribute("data-title") });
    });
    save(shown);
  }
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
