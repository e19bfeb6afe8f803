/* Site search in Material's search box, answered by Pagefind's index (generator/site/search.py).
 *
 * Pagefind loads only the index chunks a query needs, so the first result comes fast even at
 * 10,000 communities. Community pages are shown first; other pages follow.
 * Results are built with textContent and DOM calls only: an excerpt's <mark> highlights are
 * rebuilt from an inert parse, never inserted as HTML. */
(function () {
  "use strict";

  var LIMIT = 12;
  var FIRST = 4;
  var PLACEHOLDER = "Type to search communities by name, sponsor or description";

  var box = document.querySelector("[data-biglist-search]");
  var toggle = document.getElementById("__search");
  if (!box || !toggle) return;
  var form = box.querySelector("form");
  var input = box.querySelector(".md-search__input");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var siteRoot = new URL(siteBase(), location.href);
  var engine = null;
  var indexPreloaded = false;
  /* Names this page's request for the index's entry file, so that Pagefind's own request for
   * it (metaCacheTag) is answered by the browser's cache. */
  var entryTag = String(Date.now());
  var latest = 0;

  function siteBase() {
    var config = document.getElementById("__config");
    try {
      return JSON.parse(config.textContent).base || ".";
    } catch (error) {
      return ".";
    }
  }

  function bundleUrl(file) {
    return new URL("pagefind/" + file, siteRoot).href;
  }

  /* Pagefind is an ES module, started once the page is idle or at the first sign of a search,
   * whichever comes first. On its own it fetches its files one after another: the module,
   * then the index's entry file, then the index's metadata and its WebAssembly. Fetching the
   * entry file alongside the module and preloading the files it names saves two of those round
   * trips. Pagefind's own request for the entry file names the same URL (metaCacheTag), so the
   * browser's cache can answer it. */
  function pagefind() {
    if (!engine) {
      preloadIndex();
      engine = import(bundleUrl("pagefind.js")).then(function (module) {
        /* In the page itself: starting Pagefind's worker costs more than a query does. */
        var settings = {
          baseUrl: siteRoot.pathname, excerptLength: 24, noWorker: true, metaCacheTag: entryTag
        };
        return module.options(settings).then(function () {
          return module.init();
        }).then(function () {
          return module;
        });
      });
      engine.catch(function () {
        engine = null;
      });
    }
    return engine;
  }

  function preloadIndex() {
    if (indexPreloaded) return;
    indexPreloaded = true;
    preload(bundleUrl("pagefind.js"), "modulepreload");
    fetch(bundleUrl("pagefind-entry.json?ts=" + entryTag), { priority: "low" })
      .then(function (response) {
        return response.json();
      })
      .then(function (entry) {
        var index = pageLanguage(entry.languages || {});
        if (!index) return;
        preload(bundleUrl("pagefind." + index.hash + ".pf_meta"));
        preload(bundleUrl("wasm." + (index.wasm || "unknown") + ".pagefind"));
      })
      .catch(function () {
        /* Only a head start: Pagefind fetches what it needs itself and reports failures. */
      });
  }

  /* The index Pagefind will choose: the page's language, else its base language, else the
   * language with the most pages. */
  function pageLanguage(languages) {
    var lang = (document.documentElement.lang || "").toLowerCase();
    var chosen = languages[lang] || languages[lang.split("-")[0]];
    return chosen || Object.values(languages).sort(function (a, b) {
      return (b.page_count || 0) - (a.page_count || 0);
    })[0];
  }

  function preload(href, rel) {
    var link = document.createElement("link");
    link.rel = rel || "preload";
    if (!rel) link.as = "fetch";
    link.fetchPriority = "low";
    link.crossOrigin = "anonymous";
    link.href = href;
    document.head.appendChild(link);
  }

  function open(state) {
    if (toggle.checked === state) return;
    toggle.checked = state;
    toggle.dispatchEvent(new Event("change"));
  }

  function say(text) {
    meta.textContent = text;
  }

  function search() {
    var query = input.value.trim();
    var mine = ++latest;
    if (!query) {
      list.replaceChildren();
      say(PLACEHOLDER);
      return;
    }
    pagefind()
      .then(function (engine) {
        return engine.search(query);
      })
      .then(function (found) {
        var results = found.results.slice(0, LIMIT);
        var total = found.results.length;
        /* The first few as soon as they are loaded, then the rest. */
        return load(results.slice(0, FIRST)).then(function (first) {
          if (mine !== latest) return null;
          show(communitiesFirst(first), total);
          return load(results.slice(FIRST)).then(function (rest) {
            if (mine === latest && rest.length) show(communitiesFirst(first.concat(rest)), total);
          });
        });
      })
      .catch(function () {
        if (mine === latest) say("Search is not available: the search index was not found.");
      });
  }

  function load(results) {
    return Promise.all(results.map(function (result) {
      return result.data();
    }));
  }

  function isCommunity(page) {
    return Boolean(page.meta && page.meta.kind === "community");
  }

  /* Best matches first, but a community page always before any other page. */
  function communitiesFirst(pages) {
    return pages.filter(isCommunity).concat(pages.filter(function (page) {
      return !isCommunity(page);
    }));
  }

  function show(pages, total) {
    list.replaceChildren.apply(list, pages.map(resultItem));
    if (total === 0) say("No matching pages");
    else if (total === 1) say("1 matching page");
    else if (total > pages.length) say(total + " matching pages, the first " + pages.length + " shown");
    else say(total + " matching pages");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function resultItem(page) {
    var item = element("li", "md-search-result__item");
    var link = element("a", "md-search-result__link");
    link.href = new URL(page.url, location.href).href;
    var article = element("article", "md-search-result__article md-typeset");
    article.appendChild(element("p", "biglist-search__kind", isCommunity(page) ? "Community" : "Page"));
    article.appendChild(element("h1", "", (page.meta && page.meta.title) || page.url));
    article.appendChild(excerpt(page.excerpt || "", page.content || ""));
    link.appendChild(article);
    item.appendChild(link);
    return item;
  }

  /* Pagefind's excerpt is escaped text with <mark> around the matches. Parse it inertly (no
   * scripts run, nothing loads) and copy only the text and the marks. An excerpt cut from
   * the middle of the page's text says so with an ellipsis at the cut. */
  function excerpt(html, content) {
    var paragraph = element("p");
    var parsed = new DOMParser().parseFromString("<body>" + html, "text/html").body;
    var text = parsed.textContent.trim();
    var whole = content.replace(/\s+/g, " ").trim();
    if (text && whole.indexOf(text) > 0) paragraph.appendChild(document.createTextNode("… "));
    parsed.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") paragraph.appendChild(element("mark", "", node.textContent));
      else paragraph.appendChild(document.createTextNode(node.textContent));
    });
    var end = whole.indexOf(text) + text.length;
    if (text && whole.indexOf(text) >= 0 && end < whole.length) {
      paragraph.appendChild(document.createTextNode(" …"));
    }
    return paragraph;
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  function moveFocus(step) {
    var targets = [input].concat(links());
    var here = targets.indexOf(document.activeElement);
    targets[(Math.max(here, 0) + step + targets.length) % targets.length].focus();
  }

  function typingElsewhere(target) {
    return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement || (target && target.isContentEditable);
  }

  /* Material's own search fetches its whole index on every page. Ours fetches only the
   * engine and the index's metadata, at low priority while the page loads, and starts the
   * engine once the page has nothing better to do, so that a first query waits for neither;
   * not when the reader has asked to save data. */
  function savingData() {
    return Boolean(navigator.connection && navigator.connection.saveData);
  }

  function warmWhenIdle() {
    var whenIdle = window.requestIdleCallback || function (callback) {
      return setTimeout(callback, 200);
    };
    whenIdle(function () {
      pagefind();
    }, { timeout: 3000 });
  }

  if (!savingData()) {
    preloadIndex();
    if (document.readyState === "complete") warmWhenIdle();
    else window.addEventListener("load", warmWhenIdle);
  }
  input.addEventListener("input", search);
  /* Fetch the index as soon as someone shows an intent to search, before the first key. */
  box.addEventListener("pointerenter", pagefind);
  input.addEventListener("focus", function () {
    pagefind();
    open(true);
    if (!input.value) say(PLACEHOLDER);
  });
  toggle.addEventListener("change", function () {
    if (toggle.checked && document.activeElement !== input) input.focus();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = links()[0];
    if (first) first.click();
  });
  form.addEventListener("reset", function () {
    setTimeout(search, 0);
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      open(false);
      input.blur();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      moveFocus(event.key === "ArrowDown" ? 1 : -1);
      event.preventDefault();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.metaKey || event.ctrlKey || event.altKey || typingElsewhere(event.target)) return;
    if (event.key === "/" || event.key === "s" || event.key === "f") {
      event.preventDefault();
      open(true);
      input.focus();
    }
  });
})();
