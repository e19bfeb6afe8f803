/* The submit page's form: checks the basics in the browser (the same rules as the entry
 * model, read from the data-* attributes `biglist forms` writes), then opens the prefilled
 * GitHub issue form, or shows the entry's YAML for a pull request. No server, no network
 * except reading the site's own api/communities.json to spot communities already listed.
 * Without script the form still works: it is a plain GET form to the GitHub issue form. */
(function () {
  "use strict";

  var form = document.getElementById("biglist-submit");
  if (!form) return;

  var repo = form.getAttribute("data-repo");
  var template = form.getAttribute("data-template");
  var result = document.getElementById("biglist-submit-result");
  var TAG = /<[A-Za-z!?\/]/;
  var CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  var FIRST_YEAR_FALLBACK = 1970;
  var MAX_SLUG = 60;
  var listed = null; // {urls: {key: name}, names: {key: name}} once the API has loaded

  // --- reading the form ---------------------------------------------------------------

  function fields() {
    return Array.prototype.slice.call(form.querySelectorAll(".biglist-submit__field"));
  }

  function spec(box) {
    return {
      id: box.getAttribute("data-field"),
      kind: box.getAttribute("data-kind"),
      widget: box.getAttribute("data-widget"),
      multiple: box.getAttribute("data-multiple") === "true",
      maxLength: parseInt(box.getAttribute("data-max-length") || "0", 10),
      pattern: box.getAttribute("data-pattern"),
      min: parseInt(box.getAttribute("data-min") || String(FIRST_YEAR_FALLBACK), 10),
      required: !!box.querySelector("[required]"),
      label: (box.querySelector("label, legend").firstChild.textContent || "").trim(),
    };
  }

  /* The answer as a list of {label, id} choices (vocabularies and checkboxes) or of
   * trimmed strings (list fields), or one trimmed string. */
  function answer(box, field) {
    var ticked = box.querySelectorAll("input[type=checkbox]:checked");
    if (box.querySelector("input[type=checkbox]")) {
      return Array.prototype.map.call(ticked, function (input) {
        return { label: input.value, id: input.getAttribute("data-id") };
      });
    }
    var control = box.querySelector("input, select, textarea");
    if (control.tagName === "SELECT") {
      var option = control.options[control.selectedIndex];
      return option && option.value ? { label: option.value, id: option.getAttribute("data-id") } : null;
    }
    var text = control.value.replace(/\r\n?/g, "\n").trim();
    if (!field.multiple) return text;
    var parts = field.kind === "url" ? text.split(/[\s,]+/) : text.split(/[,\n]/);
    return parts.map(function (part) { return part.replace(/^[-*\u2022]\s+/, "").trim(); })
      .filter(function (part) { return part.length > 0; });
  }

  // --- the rules of the entry model ---------------------------------------------------

  function length(text) {
    return Array.from(text).length; // code points, as Python counts them
  }

  function withScheme(text) {
    if (text.indexOf("://") >= 0) return text;
    var scheme = /^[a-z][a-z0-9+.\-]*:/i.exec(text);
    return scheme && scheme[0].indexOf(".") < 0 ? text : "https://" + text;
  }

  function urlProblem(text) {
    if (/[\s\u0000-\u001f\u007f]/.test(text)) return "must not contain spaces or control characters";
    var parsed;
    try {
      parsed = new URL(text);
    } catch (error) {
      return "is not a valid web address";
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      return "must start with http:// or https://";
    }
    if (!parsed.hostname) return "must name a host";
    if (parsed.username || parsed.password) return "must not contain a user name or password";
    return null;
  }

  function textProblem(text, field) {
    if (field.maxLength && length(text) > field.maxLength) {
      return "is too long: at most " + field.maxLength + " characters (now " + length(text) + ")";
    }
    if (TAG.test(text)) return "must be plain text: HTML tags are not allowed";
    if (/\n\s*\n/.test(text)) return "must be a single paragraph";
    if (field.widget === "input" && text.indexOf("\n") >= 0) return "must be a single line";
    var control = CONTROL.exec(text.replace(/\n/g, " "));
    if (control) {
      var code = control[0].charCodeAt(0).toString(16).toUpperCase();
      return "contains the invisible control character U+" + ("000" + code).slice(-4);
    }
    return null;
  }

  function itemProblem(item, field) {
    if (field.kind === "url") return urlProblem(withScheme(item));
    if (field.pattern && !new RegExp(field.pattern).test(item)) {
      return "'" + item + "' is not in the expected form (for example en or pt-BR)";
    }
    var problem = textProblem(item, field);
    return problem ? "'" + item + "' " + problem : null;
  }

  function yearProblem(text, field) {
    var thisYear = new Date().getFullYear();
    if (!/^\d{4}$/.test(text) || +text < field.min || +text > thisYear) {
      return "must be a year from " + field.min + " to " + thisYear;
    }
    return null;
  }

  function problemOf(value, field) {
    if (value === null || value === "" || (Array.isArray(value) && value.length === 0)) {
      return field.required ? "is required" : null;
    }
    if (Array.isArray(value)) {
      if (value.length && typeof value[0] === "object") return null;
      var seen = {};
      for (var i = 0; i < value.length; i += 1) {
        if (seen[value[i]]) return "lists '" + value[i] + "' twice";
        seen[value[i]] = true;
        var problem = itemProblem(value[i], field);
        if (problem) return problem;
      }
      return null;
    }
    if (typeof value === "object") return null;
    if (field.kind === "url") return urlProblem(withScheme(value));
    if (field.kind === "integer") return yearProblem(value, field);
    return textProblem(value, field);
  }

  // --- already listed? ----------------------------------------------------------------

  function urlKey(text) {
    try {
      var parsed = new URL(text);
      var host = parsed.hostname.toLowerCase().replace(/\.$/, "").replace(/^www\./, "");
      var port = parsed.port ? ":" + parsed.port : "";
      return host + port + parsed.pathname.replace(/\/+$/, "") + parsed.search;
    } catch (error) {
      return null;
    }
  }

  function nameKey(text) {
    return text.split(/\s+/).filter(Boolean).join(" ").toLowerCase();
  }

  function loadListed() {
    if (!window.fetch) return;
    fetch(new URL("../api/communities.json", document.baseURI).href)
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !Array.isArray(data.communities)) return;
        var urls = {}, names = {};
        data.communities.forEach(function (community) {
          var key = urlKey(String(community.url || ""));
          if (key) urls[key] = community;
          if (community.name) names[nameKey(String(community.name))] = community;
        });
        listed = { urls: urls, names: names };
      })
      .catch(function () { /* offline or no API file: the import still refuses duplicates */ });
  }

  function duplicateProblem(field, value) {
    if (!listed || typeof value !== "string" || !value) return null;
    var match = field.id === "url" ? listed.urls[urlKey(withScheme(value))]
      : field.id === "name" ? listed.names[nameKey(value)] : null;
    return match ? "is already listed: " + match.name : null;
  }

  // --- checking and showing problems --------------------------------------------------

  function showProblem(box, message) {
    var slot = box.querySelector(".biglist-submit__error");
    var control = box.querySelector("input:not([type=checkbox]), select, textarea");
    slot.textContent = message ? spec(box).label + " " + message + "." : "";
    slot.hidden = !message;
    box.classList.toggle("biglist-submit__invalid", !!message);
    if (control) control.setAttribute("aria-invalid", message ? "true" : "false");
  }

  /* Every field's value, or null after marking each field with a problem. */
  function collect() {
    var values = [], first = null;
    fields().forEach(function (box) {
      var field = spec(box), value = answer(box, field);
      var problem = problemOf(value, field) || duplicateProblem(field, value);
      showProblem(box, problem);
      if (problem && !first) first = box;
      values.push({ field: field, value: value });
    });
    if (first) {
      var control = first.querySelector("input, select, textarea");
      if (control) control.focus();
      return null;
    }
    return values;
  }

  // --- what the form produces ---------------------------------------------------------

  function asText(value, field) {
    if (Array.isArray(value)) {
      return value.map(function (item) { return typeof item === "object" ? item.label : item; })
        .join(field.kind === "url" ? "\n" : ", ");
    }
    if (value && typeof value === "object") return value.label;
    return field.kind === "url" ? withScheme(value) : value;
  }

  function issueUrl(values) {
    var params = new URLSearchParams(), title = "";
    params.set("template", template);
    values.forEach(function (entry) {
      var text = asText(entry.value, entry.field);
      if (entry.field.id === "name") title = "Add community: " + text;
      if (text) params.set(entry.field.id, text);
    });
    params.set("title", title);
    return repo + "/issues/new?" + params.toString();
  }

  function slugify(text) {
    return text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function shortSlug(slug) {
    if (slug.length <= MAX_SLUG) return slug;
    var cut = slug.slice(0, MAX_SLUG + 1).replace(/-[^-]*$/, "");
    return cut.length >= MAX_SLUG / 2 ? cut : slug.slice(0, MAX_SLUG).replace(/-+$/, "");
  }

  function slugFor(name, url) {
    var slug = slugify(name);
    return shortSlug(slug || slugify(urlKey(url) || "") || "x");
  }

  function yamlString(text) {
    // A JSON string is a YAML double-quoted scalar; YAML also breaks lines at U+2028/9.
    return JSON.stringify(text).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  }

  function yamlValue(value, field) {
    if (field.kind === "integer") return String(parseInt(value, 10));
    if (field.kind === "url") return yamlString(withScheme(value));
    return yamlString(value);
  }

  function today() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function entryLines(entry) {
    var value = entry.value, field = entry.field;
    if (value === null || value === "" || (Array.isArray(value) && !value.length)) return [];
    if (!Array.isArray(value)) {
      var scalar = typeof value === "object" ? yamlString(value.id) : yamlValue(value, field);
      return [field.id + ": " + scalar];
    }
    return [field.id + ":"].concat(value.map(function (item) {
      if (typeof item !== "object") return "  - " + yamlValue(item, field);
      return "  - " + (field.kind === "integer" ? item.id : yamlString(item.id));
    }));
  }

  function entryYaml(values) {
    var lines = [], url = "", hasSources = false;
    values.forEach(function (entry) {
      if (entry.field.id === "url") url = withScheme(entry.value);
      if (entry.field.id === "sources" && entry.value.length) hasSources = true;
      lines = lines.concat(entryLines(entry));
    });
    if (!hasSources) lines.push("sources:", "  - " + yamlString(url)); // cite the front door
    lines.push("added: " + today());
    return lines.join("\n") + "\n";
  }

  // --- output -------------------------------------------------------------------------

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text) node.textContent = text;
    return node;
  }

  function showIssueLink(url) {
    result.textContent = "";
    var note = element("p", {}, "Opening the GitHub issue form. If nothing happens, ");
    note.appendChild(element("a", { href: url, "data-role": "issue-link" }, "open it here"));
    note.appendChild(document.createTextNode("."));
    result.appendChild(note);
  }

  function showYaml(values) {
    var yaml = entryYaml(values);
    var byId = {};
    values.forEach(function (entry) { byId[entry.field.id] = entry.value; });
    var name = byId.name, url = withScheme(byId.url);
    var file = "data/communities/" + slugFor(name, url) + ".yml";
    result.textContent = "";
    result.appendChild(element("p", {}, "Add this file as " + file + " in a pull request:"));
    var pre = element("pre", { "data-role": "yaml" });
    pre.appendChild(element("code", {}, yaml));
    result.appendChild(pre);
    var create = repo + "/new/main/data/communities?filename=" + encodeURIComponent(file.split("/").pop()) +
      "&value=" + encodeURIComponent(yaml);
    var actions = element("p");
    actions.appendChild(element("a", { href: create, class: "md-button", "data-role": "create-file" },
      "Create the file on GitHub"));
    var copy = element("button", { type: "button", class: "md-button" }, "Copy the YAML");
    copy.addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText(yaml);
    });
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(copy);
    result.appendChild(actions);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var values = collect();
    if (!values) return;
    var url = issueUrl(values);
    showIssueLink(url);
    window.location.assign(url);
  });

  form.querySelector("[data-action=yaml]").addEventListener("click", function () {
    var values = collect();
    if (values) showYaml(values);
  });

  loadListed();
})();
