// Progressive enhancement only; without JavaScript the browse page is a plain GET form that still works.
// With it: filters and sort apply as they change (the results are fetched and swapped in place, the
// address follows), long facets get a box to find an option, and the panel starts folded on phones.
(function () {
  var form = document.getElementById("browse-form");
  if (!form || !window.fetch || !window.DOMParser) return;
  var TIMEOUT_MS = 10000;
  var narrow = window.matchMedia("(max-width: 59.99rem)");
  form.classList.add("js-auto");

  // A live region outside the swapped part says what changed, for screen readers.
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.parentNode.insertBefore(status, form.nextSibling);

  function browse() {
    return form.querySelector(".browse");
  }

  // Keep shared links short: leave out an empty search box and the default order.
  function address() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.disabled || element.form !== form) return;
      if (element.type === "checkbox" && !element.checked) return;
      if (element.name === "q" && !element.value.trim()) return;
      if (element.name === "sort" && element.selectedIndex === 0) return;
      params.append(element.name, element.value);
    });
    var query = params.toString();
    return form.getAttribute("action").split("#")[0] + (query ? "?" + query : "");
  }

  function addFindBoxes(root) {
    root.querySelectorAll("fieldset[data-find-label]").forEach(function (fieldset) {
      var id = fieldset.id + "-find";
      var wrap = document.createElement("p");
      wrap.className = "facet__find";
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = fieldset.getAttribute("data-find-label");
      var input = document.createElement("input");
      input.type = "search";
      input.id = id;
      input.autocomplete = "off";
      var none = document.createElement("p");
      none.className = "facet__none";
      none.hidden = true;
      none.textContent = "No option matches.";
      wrap.appendChild(label);
      wrap.appendChild(input);
      var legendHelp = fieldset.querySelector(".facet__help") || fieldset.querySelector("legend");
      legendHelp.parentNode.insertBefore(wrap, legendHelp.nextSibling);
      fieldset.appendChild(none);
      input.addEventListener("input", function () { find(fieldset, input.value); });
    });
  }

  function find(fieldset, text) {
    var wanted = text.trim().toLowerCase();
    var more = fieldset.querySelector(".facet__more");
    var shown = 0;
    fieldset.querySelectorAll("li").forEach(function (item) {
      var match = !wanted || item.textContent.toLowerCase().indexOf(wanted) !== -1;
      item.hidden = !match;
      if (match) shown += 1;
    });
    if (more) {
      if (wanted) more.open = true;
      more.querySelector("summary").hidden = Boolean(wanted);
    }
    fieldset.querySelector(".facet__none").hidden = shown > 0;
  }

  // What the visitor had open, typed and focused, to put back after the swap.
  function remember(root) {
    var focused = document.activeElement;
    var state = { open: {}, find: {}, focus: null, panel: null, maps: {} };
    root.querySelectorAll("details.map-panel").forEach(function (map) { state.maps[map.id] = map.open; });
    var panel = root.querySelector("#filter-panel");
    state.panel = panel ? panel.open : null;
    root.querySelectorAll("fieldset.facet").forEach(function (fieldset) {
      var more = fieldset.querySelector(".facet__more");
      state.open[fieldset.id] = Boolean(more && more.open);
      var input = fieldset.querySelector(".facet__find input");
      if (input && input.value) state.find[fieldset.id] = input.value;
    });
    if (focused && root.contains(focused)) {
      if (focused.type === "checkbox" && focused.form === form) {
        state.focus = 'input[name="' + focused.name + '"][value="' + CSS.escape(focused.value) + '"]';
      } else if (focused.id) {
        state.focus = "#" + CSS.escape(focused.id);
      }
    }
    return state;
  }

  function restore(root, state) {
    var panel = root.querySelector("#filter-panel");
    if (panel && state.panel !== null) panel.open = state.panel;
    root.querySelectorAll("details.map-panel").forEach(function (map) {
      if (map.id in state.maps) map.open = state.maps[map.id];
    });
    root.querySelectorAll("fieldset.facet").forEach(function (fieldset) {
      var more = fieldset.querySelector(".facet__more");
      if (more && state.open[fieldset.id]) more.open = true;
      var input = fieldset.querySelector(".facet__find input");
      if (input && state.find[fieldset.id]) {
        input.value = state.find[fieldset.id];
        find(fieldset, input.value);
      }
    });
    var target = state.focus && root.querySelector(state.focus);
    if (target) {
      var more = target.closest(".facet__more");
      if (more) more.open = true;
      target.focus();
    }
  }

  var pending = null;
  function apply() {
    var url = address();
    if (pending) pending.abort();
    var controller = new AbortController();
    pending = controller;
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    var current = browse();
    current.setAttribute("aria-busy", "true");
    fetch(url, { signal: controller.signal, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("#browse-form .browse");
        if (!fresh) throw new Error("no results in the page");
        var state = remember(current);
        fresh = document.importNode(fresh, true);
        addFindBoxes(fresh);
        current.replaceWith(fresh);
        restore(fresh, state);
        history.replaceState(null, "", url);
        document.title = page.title;
        var heading = fresh.querySelector("#results-heading");
        status.textContent = heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
        document.dispatchEvent(new CustomEvent("browse:updated"));
      })
      .catch(function (error) {
        if (error.name === "AbortError" && pending !== controller) return;  // a newer change took over
        // The page cannot be fetched: go there the plain way instead.
        window.location.assign(url + "#results-heading");
      })
      .finally(function () {
        clearTimeout(timer);
        if (pending === controller) pending = null;
        var now = browse();
        if (now) now.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.form !== form) return;  // the "Compare" ticks belong to another form
    if (target.type === "checkbox" || target.name === "sort") apply();
  });
  form.addEventListener("submit", function () {
    var query = form.elements.q;
    var sort = form.elements.sort;
    if (query && !query.value.trim()) query.disabled = true;
    if (sort && sort.selectedIndex === 0) sort.disabled = true;
  });

  addFindBoxes(browse());
  // On narrow screens, start with the filter panel folded so the results come first.
  var panel = document.getElementById("filter-panel");
  if (panel && narrow.matches) panel.open = false;
})();
