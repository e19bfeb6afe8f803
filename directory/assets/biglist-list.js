/* The Big List, live: filters by every facet and by text, counts per facet value, sorting,
 * state in the URL (shareable; back and forward work). Drawn from one compact JSON file
 * (generator/site/listing.py documents its shape); only the rows on screen are in the DOM, a batch
 * at a time, so it stays fast at 10,000 communities.
 *
 * The page's HTML already holds the first screen (the form with its facets and counts, the
 * first rows in the default order: generator/site/first_screen.py): the script adopts the form
 * and redraws the same rows, so nothing moves when it takes over.
 *
 * Contributed text only ever reaches the page through textContent and attributes set with
 * the DOM API; nothing is parsed as HTML. Without JavaScript the page shows its plain list
 * (in <noscript>) instead. */
(function () {
  "use strict";

  var app = document.getElementById("biglist-app");
  if (!app || !window.fetch || !window.URLSearchParams) return;

  /* Rows drawn after each change (about two screens: layout cost grows with every row; the
   * page's HTML says how many it carries), and rows added per "Show more". */
  var FIRST_ROWS = Number(app.getAttribute("data-first-rows")) || 25;
  var MORE_ROWS = 100;
  var SORTS = ["featured", "name", "added", "activity", "posts"];
  var DEFAULT_SORT = "featured";
  var ANNOUNCE_DELAY = 400;
  /* The URL follows typing once it pauses: browsers limit how often history may change. */
  var URL_DELAY = 300;
  var COLUMNS = ["Community", "Sponsor", "Industry", "Type", "Access", "Platform", "Activity",
    "Link"];
  /* Facets whose labels the text box also matches. */
  var SEARCHED_FACETS = ["industry", "type", "platform", "access"];
  var numbers = new Intl.NumberFormat("en");

  fetch(app.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(start)
    .catch(function () {
      /* Say so, and point to the facet pages, which work without the data file; the first
       * rows stay, the controls that cannot work go. */
      document.getElementById("biglist-unavailable").hidden = false;
      document.getElementById("biglist-controls").hidden = true;
      document.getElementById("biglist-more").hidden = true;
    });

  /* --- text ---------------------------------------------------------------------------- */

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function words(text) {
    return fold(text).split(/\s+/).filter(Boolean);
  }

  /* --- the list ------------------------------------------------------------------------ */

  function start(data) {
    var list = makeList(data);
    var ui = makeUi(list);
    var state = readState(list);
    /* Words typed while the data was on its way count, unless the URL says otherwise. */
    if (!state.text) state.text = ui.text.value;
    var view = { matches: [], shown: 0, typing: false, announceTimer: 0, urlTimer: 0 };

    function update(options) {
      view.matches = filter(list, state);
      view.shown = 0;
      ui.rows.replaceChildren();
      showMore(view, list, ui, FIRST_ROWS);
      showCounts(list, ui);
      showChosen(list, ui, state);
      announce(view, ui, options && options.quiet);
    }

    /* One history entry per bout of typing: the first write pushes, later ones replace. */
    function writeTyping() {
      view.urlTimer = 0;
      writeState(list, state, !view.typing);
      view.typing = true;
    }

    ui.text.addEventListener("input", function () {
      state.text = ui.text.value;
      clearTimeout(view.urlTimer);
      view.urlTimer = setTimeout(writeTyping, URL_DELAY);
      update({ quiet: true });
    });
    ui.sort.addEventListener("change", function () {
      flushTyping();
      state.sort = ui.sort.value;
      changed();
    });
    ui.facets.addEventListener("change", function (event) {
      var input = event.target;
      var facet = list.byKey[input.name];
      if (!facet) return;
      flushTyping();
      toggle(state.selected[facet.key], Number(input.value), input.checked);
      changed();
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    ui.form.addEventListener("reset", function (event) {
      event.preventDefault();
      flushTyping();
      state = emptyState(list);
      syncControls(list, ui, state);
      changed();
      ui.text.focus();
    });
    ui.more.addEventListener("click", function () {
      if (!view.matches) view.matches = filter(list, state);
      var first = view.shown;
      showMore(view, list, ui, MORE_ROWS);
      announce(view, ui, false);
      /* The button goes once every row is shown: keep the keyboard where the new rows are. */
      if (ui.more.hidden) ui.rows.rows[first].querySelector("a").focus();
    });
    window.addEventListener("popstate", function () {
      clearTimeout(view.urlTimer);
      view.urlTimer = 0;
      state = readState(list);
      syncControls(list, ui, state);
      view.typing = false;
      update();
    });

    /* The page's HTML already shows this state's first rows and counts: keep them (redrawing
     * them is work on a phone's busy main thread that changes nothing). The matching rows are
     * only needed for "Show more": worked out at its first click. */
    function adoptFirstScreen() {
      view.matches = null;
      view.shown = ui.rows.rows.length;
    }

    /* Before any other change, the text typed so far gets its own history entry. */
    function flushTyping() {
      if (!view.urlTimer) return;
      clearTimeout(view.urlTimer);
      writeTyping();
    }

    function changed() {
      view.typing = false;
      writeState(list, state, true);
      update();
    }

    syncControls(list, ui, state);
    if (showsFirstScreen(list, ui, state)) adoptFirstScreen();
    else update({ quiet: true });
    foldWhenIdle(list);
    app.setAttribute("data-state", "ready");
    app.dispatchEvent(new CustomEvent("biglist:ready", { bubbles: true }));
  }

  function makeList(data) {
    var root = new URL("../../", new URL(app.getAttribute("data-src"), location.href));
    var list = {
      size: data.rows,
      slug: data.slug,
      name: data.name,
      sponsor: data.sponsor.map(function (index) {
        return index < 0 ? "" : data.sponsors[index];
      }),
      audience: data.audience,
      audiences: data.audiences,
      added: data.added,
      lastActivity: data.last_activity,
      posts: sparse(data.posts_30_days, data.rows),
      detected: {
        platform: new Set((data.detected || {}).platform || []),
        access: new Set((data.detected || {}).access || []),
      },
      facets: data.facets.filter(function (facet) {
        return facet.values.length > 0;
      }),
      byKey: {},
      root: root.href,
      orders: {},
      haystack: [],
    };
    list.facets.forEach(function (facet) {
      list.byKey[facet.key] = facet;
      facet.counts = new Int32Array(facet.values.length);
      facet.index = {};
      facet.values.forEach(function (value, number) {
        facet.index[value[0]] = number;
      });
    });
    return list;
  }

  /* Whether the state is the default one, which the page's HTML draws. */
  function showsFirstScreen(list, ui, state) {
    if (state.text || state.sort !== DEFAULT_SORT) return false;
    for (var key in state.selected) if (state.selected[key].size) return false;
    return ui.rows.rows.length === Math.min(FIRST_ROWS, list.size);
  }

  /* Every row's searchable text, folded. Not at load, where it would hold up a phone's main
   * thread: a slice at a time while the page is idle, and the rest at once if a search comes
   * first. */
  var FOLD_SLICE = 500;

  function haystacks(list) {
    foldRows(list, list.size);
    return list.haystack;
  }

  function foldRows(list, count) {
    var end = Math.min(list.haystack.length + count, list.size);
    for (var row = list.haystack.length; row < end; row++) {
      list.haystack.push(fold(haystack(list, row, list.name[row])));
    }
  }

  function foldWhenIdle(list) {
    var later = window.requestIdleCallback || setTimeout;
    later(function step() {
      foldRows(list, FOLD_SLICE);
      if (list.haystack.length < list.size) later(step);
    });
  }

  /* What the text box matches: name, sponsor, audience and the labels of some facets. */
  function haystack(list, row, name) {
    var audience = list.audience[row];
    var parts = [name, list.sponsor[row], audience >= 0 ? list.audiences[audience] : ""];
    SEARCHED_FACETS.forEach(function (key) {
      parts.push(label(list.byKey[key], row));
    });
    return parts.join("\n");
  }

  function hasValue(facet, row, selected) {
    var value = facet.rows[row];
    if (!facet.multi) return selected.has(value);
    for (var i = 0; i < value.length; i++) if (selected.has(value[i])) return true;
    return false;
  }

  function matchesText(list, row, terms) {
    var text = haystacks(list)[row];
    for (var i = 0; i < terms.length; i++) if (text.indexOf(terms[i]) < 0) return false;
    return true;
  }

  /* The rows that pass every filter, in the chosen order. Each facet value's count is the
   * number of rows it would show if chosen, given the text and the other facets' choices. */
  function filter(list, state) {
    var terms = words(state.text);
    var active = list.facets.filter(function (facet) {
      return state.selected[facet.key].size > 0;
    });
    list.facets.forEach(function (facet) {
      facet.counts.fill(0);
    });
    var order = orderOf(list, state.sort);
    var matches = [];
    for (var k = 0; k < order.length; k++) {
      var row = order[k];
      if (terms.length && !matchesText(list, row, terms)) continue;
      var failed = null;
      var failures = 0;
      for (var f = 0; f < active.length && failures < 2; f++) {
        if (!hasValue(active[f], row, state.selected[active[f].key])) {
          failed = active[f];
          failures++;
        }
      }
      if (failures === 0) {
        matches.push(row);
        list.facets.forEach(function (facet) {
          count(facet, row);
        });
      } else if (failures === 1) {
        count(failed, row);
      }
    }
    return matches;
  }

  function count(facet, row) {
    var value = facet.rows[row];
    if (!facet.multi) {
      if (value >= 0) facet.counts[value]++;
      return;
    }
    for (var i = 0; i < value.length; i++) facet.counts[value[i]]++;
  }

  /* --- sorting ------------------------------------------------------------------------- */

  function orderOf(list, sort) {
    if (!list.orders[sort]) list.orders[sort] = makeOrder(list, sort);
    return list.orders[sort];
  }

  /* Rows arrive A–Z, so every order breaks ties by name simply by being a stable sort. */
  function makeOrder(list, sort) {
    var rows = [];
    for (var row = 0; row < list.size; row++) rows.push(row);
    var featured = list.byKey.featured;
    var activity = list.byKey.activity;
    var keys = {
      name: null,
      featured: featured &&
        function (row) {
          return featured.rows[row] < 0 ? 1 : 0;
        },
      added: function (row) {
        return -list.added[row];
      },
      activity: function (row) {
        var day = list.lastActivity[row];
        return day >= 0 ? -day : activityRank(activity, row);
      },
      posts: function (row) {
        return list.posts[row] >= 0 ? -list.posts[row] : 1;
      },
    };
    var key = keys[sort];
    if (key) rows.sort(function (a, b) {
      return key(a) - key(b);
    });
    return rows;
  }

  /* Posts in 30 days per row (-1: no count), from the data file's sparse rows/values. */
  function sparse(column, size) {
    var values = new Float64Array(size).fill(-1);
    if (column) column.rows.forEach(function (row, i) {
      values[row] = column.values[i];
    });
    return values;
  }

  /* Without a date, rows with a better activity reading (from post counts) come first. */
  function activityRank(activity, row) {
    if (!activity) return 0;
    var ranks = { active: 1, slowing: 2, dormant: 3 };
    var value = activity.rows[row];
    return ranks[value >= 0 ? activity.values[value][0] : ""] || 4;
  }

  /* --- state and the URL --------------------------------------------------------------- */

  function emptyState(list) {
    var state = { text: "", sort: DEFAULT_SORT, selected: {} };
    list.facets.forEach(function (facet) {
      state.selected[facet.key] = new Set();
    });
    return state;
  }

  function readState(list) {
    var params = new URLSearchParams(location.search);
    var state = emptyState(list);
    state.text = params.get("text") || "";
    if (SORTS.indexOf(params.get("sort")) >= 0) state.sort = params.get("sort");
    list.facets.forEach(function (facet) {
      (params.get(facet.key) || "").split(",").forEach(function (id) {
        if (id in facet.index) state.selected[facet.key].add(facet.index[id]);
      });
    });
    return state;
  }

  function writeState(list, state, push) {
    var params = new URLSearchParams();
    if (state.text) params.set("text", state.text);
    list.facets.forEach(function (facet) {
      var ids = Array.from(state.selected[facet.key]).sort(function (a, b) {
        return a - b;
      });
      if (ids.length) params.set(facet.key, ids.map(function (i) {
        return facet.values[i][0];
      }).join(","));
    });
    if (state.sort !== DEFAULT_SORT) params.set("sort", state.sort);
    var query = params.toString();
    var url = location.pathname + (query ? "?" + query : "") + location.hash;
    if (url === location.pathname + location.search + location.hash) return;
    history[push ? "pushState" : "replaceState"](null, "", url);
  }

  function toggle(set, value, on) {
    if (on) set.add(value);
    else set.delete(value);
  }

  /* --- the page ------------------------------------------------------------------------ */

  function makeUi(list) {
    var ui = {
      form: document.getElementById("biglist-controls"),
      text: document.getElementById("biglist-text"),
      sort: document.getElementById("biglist-sort"),
      facets: document.getElementById("biglist-facets"),
      count: document.getElementById("biglist-count"),
      status: document.getElementById("biglist-status"),
      rows: document.getElementById("biglist-rows"),
      more: document.getElementById("biglist-more"),
      checkboxes: {},
      counts: {},
      summaries: {},
    };
    list.facets.forEach(function (facet) {
      var drawn = ui.facets.querySelector("details[data-facet='" + facet.key + "']");
      if (drawn && adoptFacet(facet, drawn, ui)) return;
      if (drawn) drawn.remove();
      ui.facets.appendChild(facetControl(facet, ui));
    });
    return ui;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* Take over a facet the page's HTML drew, if it has one box per value. */
  function adoptFacet(facet, details, ui) {
    var boxes = details.querySelectorAll("input[name='" + facet.key + "']");
    if (boxes.length !== facet.values.length) return false;
    ui.checkboxes[facet.key] = Array.prototype.slice.call(boxes);
    ui.counts[facet.key] = ui.checkboxes[facet.key].map(function (box) {
      var counter = box.parentElement.querySelector(".biglist-facet__count");
      return { item: box.closest("li"), counter: counter, shown: -1 };
    });
    ui.summaries[facet.key] = details.querySelector(".biglist-facet__chosen");
    return true;
  }

  function facetControl(facet, ui) {
    var details = element("details", "biglist-facet");
    details.setAttribute("data-facet", facet.key);
    var summary = element("summary", "biglist-facet__summary", facet.title);
    var chosen = element("span", "biglist-facet__chosen");
    summary.appendChild(chosen);
    var fieldset = element("fieldset", "biglist-facet__values");
    fieldset.appendChild(element("legend", "biglist-sr-only", facet.title));
    var items = element("ul");
    ui.checkboxes[facet.key] = [];
    ui.counts[facet.key] = [];
    facet.values.forEach(function (value, number) {
      items.appendChild(facetValue(facet, value, number, ui));
    });
    fieldset.appendChild(items);
    details.appendChild(summary);
    details.appendChild(fieldset);
    ui.summaries[facet.key] = chosen;
    return details;
  }

  function facetValue(facet, value, number, ui) {
    var item = element("li");
    var label = element("label");
    var box = element("input");
    box.type = "checkbox";
    box.name = facet.key;
    box.value = String(number);
    var counter = element("span", "biglist-facet__count");
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + value[1] + " "));
    label.appendChild(counter);
    item.appendChild(label);
    ui.checkboxes[facet.key].push(box);
    ui.counts[facet.key].push({ item: item, counter: counter, shown: -1 });
    return item;
  }

  function syncControls(list, ui, state) {
    ui.text.value = state.text;
    ui.sort.value = state.sort;
    list.facets.forEach(function (facet) {
      var selected = state.selected[facet.key];
      ui.checkboxes[facet.key].forEach(function (box, number) {
        box.checked = selected.has(number);
      });
    });
  }

  function showChosen(list, ui, state) {
    list.facets.forEach(function (facet) {
      var size = state.selected[facet.key].size;
      ui.summaries[facet.key].textContent = size ? " (" + size + " chosen)" : "";
    });
  }

  function showCounts(list, ui) {
    list.facets.forEach(function (facet) {
      ui.counts[facet.key].forEach(function (slot, number) {
        var value = facet.counts[number];
        if (slot.shown === value) return;
        slot.shown = value;
        slot.counter.textContent = "(" + numbers.format(value) + ")";
        slot.item.classList.toggle("is-empty", value === 0);
      });
    });
  }

  function showMore(view, list, ui, batch) {
    var end = Math.min(view.shown + batch, view.matches.length);
    var rows = document.createDocumentFragment();
    for (var k = view.shown; k < end; k++) rows.appendChild(rowElement(list, view.matches[k]));
    ui.rows.appendChild(rows);
    view.shown = end;
    var left = view.matches.length - end;
    ui.more.hidden = left <= 0;
    ui.more.textContent = "Show " + numbers.format(Math.min(MORE_ROWS, left)) + " more (" +
      numbers.format(left) + " not shown yet)";
    ui.count.textContent = countText(view);
  }

  function countText(view) {
    var total = view.matches.length;
    if (total === 0) return "No community matches these filters.";
    var noun = total === 1 ? " community" : " communities";
    if (view.shown >= total) return numbers.format(total) + noun + ".";
    return "Showing " + numbers.format(view.shown) + " of " + numbers.format(total) + noun + ".";
  }

  /* Screen readers hear the count once typing pauses, not at every keystroke. */
  function announce(view, ui, later) {
    clearTimeout(view.announceTimer);
    var say = function () {
      ui.status.textContent = countText(view);
    };
    if (later) view.announceTimer = setTimeout(say, ANNOUNCE_DELAY);
    else say();
  }

  function label(facet, row) {
    if (!facet) return "";
    var value = facet.rows[row];
    if (!facet.multi) return value >= 0 ? facet.values[value][1] : "";
    return value.map(function (i) {
      return facet.values[i][1];
    }).join(", ");
  }

  function cell(text, column) {
    var td = element("td", "", text);
    td.setAttribute("data-label", COLUMNS[column]);
    return td;
  }

  function rowElement(list, row) {
    var facets = list.byKey;
    var tr = element("tr");
    var name = cell("", 0);
    var link = element("a", "", list.name[row]);
    link.href = list.root + "communities/" + encodeURIComponent(list.slug[row]) + "/";
    name.appendChild(link);
    if (facets.featured && facets.featured.rows[row] >= 0) {
      name.appendChild(element("span", "biglist-featured", "Featured"));
    }
    tr.appendChild(name);
    tr.appendChild(cell(list.sponsor[row], 1));
    tr.appendChild(cell(label(facets.industry, row), 2));
    tr.appendChild(cell(label(facets.type, row), 3));
    tr.appendChild(cell(label(facets.access, row) + detectedMark(list, "access", row), 4));
    tr.appendChild(cell(label(facets.platform, row) + detectedMark(list, "platform", row), 5));
    tr.appendChild(activityCell(facets.activity, row, list.posts[row]));
    tr.appendChild(badgeCell(facets.status, row, 7, "biglist-link", "Not checked yet"));
    return tr;
  }

  function detectedMark(list, key, row) {
    return list.detected[key].has(row) ? " (detected)" : "";
  }

  function activityCell(activity, row, posts) {
    var td = badgeCell(activity, row, 6, "biglist-activity", "Unknown");
    if (posts >= 0) {
      var count = posts.toLocaleString("en-US") + (posts === 1 ? " post" : " posts");
      td.appendChild(document.createTextNode(", " + count + " in 30 days"));
    }
    return td;
  }

  function badgeCell(facet, row, column, kind, unknown) {
    var td = cell("", column);
    var value = facet ? facet.rows[row] : -1;
    var id = value >= 0 ? facet.values[value][0] : "unknown";
    var badge = element("span", kind + " " + kind + "--" + id,
      value >= 0 ? facet.values[value][1] : unknown);
    td.appendChild(badge);
    return td;
  }
})();
