/* The search page: Pagefind's JS API over the index written after the build (pagefind/).
   The index is one shard a month (pagefind/YYYY-MM/, listed newest first in
   pagefind/shards.json with the languages of its pages), merged into the small primary index
   of pagefind/, one language of a shard at a time, so every page is searched in the index of
   its own language.

   Two orders:
   - best match (the default): Pagefind's relevance scores, compared across shards (every
     index has weight 1); results with the same score are shown newest first, by the "stamp"
     meta (the date and time of the dump), which each page of results reads from the results
     it shows and from all those tied with its last one, so the tie-break is exact;
   - newest first (the "Newest first" switch, ?sort=newest): a second Pagefind instance, made
     only when asked for, whose indexes have weight 0: every score is then 0, Pagefind's merge
     (a stable sort by score) keeps the shards' order, newest month first, and each shard's own
     results come newest first by its "date" sort.
   Leads and "More headlines" pages are indexed; a hit on a headline links to its heading on
   the digest page. The kind filter always names a kind, which keeps out the primary's
   placeholder page (kind "none"). The query lives in the URL (?q=...&kind=...&sort=newest),
   so a search can be shared or bookmarked. Dump text reaches the page only as text nodes:
   excerpts are rebuilt from <mark> pieces. Words shown come from the page's data-msg-*
   attributes, so they are translated with the templates. */
(function () {
  "use strict";
  var PAGE_SIZE = 20;
  var form = document.getElementById("search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !status || !list) {
    return;
  }
  var input = form.elements.q;
  var newest = form.elements.sort;
  var bundle = new URL(form.getAttribute("data-bundle"), document.baseURI);
  var base = new URL(form.getAttribute("data-base"), document.baseURI);
  var loading = {};
  var sequence = 0;
  var timer = null;
  var more = null;

  /* A message of the page (data-msg-NAME on the status element), with {name} filled in. */
  function msg(name, values) {
    var text = status.getAttribute("data-msg-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return values && key in values ? String(values[key]) : all;
    });
  }

  function manifest() {
    if (!loading.manifest) {
      loading.manifest = fetch(bundle.href + "shards.json", { cache: "no-cache" }).then(function (r) {
        if (!r.ok) {
          throw new Error("no shards.json");
        }
        return r.json();
      });
    }
    return loading.manifest;
  }

  /* The Pagefind instance of an order: "relevance" is the module's own, "newest" one made
     with createInstance, its indexes of weight 0. Each shard is merged once per language,
     called in order without waiting: Pagefind adds each index before its first await. */
  function pagefind(order) {
    if (!loading[order]) {
      loading[order] = Promise.all([import(bundle.href + "pagefind.js"), manifest()]).then(
        function (both) {
          var api = both[0];
          var shards = both[1];
          var common = { baseUrl: base.pathname, indexWeight: order === "newest" ? 0 : 1 };
          var primary = Object.assign({ metaCacheTag: shards.primary }, common);
          var instance = api;
          var ready;
          if (order === "newest") {
            instance = api.createInstance(Object.assign({ basePath: bundle.pathname }, primary));
            ready = instance.init();
          } else {
            ready = api.options(Object.assign({ bundlePath: bundle.pathname }, primary));
          }
          return ready
            .then(function () {
              var merges = [];
              shards.shards.forEach(function (shard) {
                (shard.languages || [null]).forEach(function (language) {
                  var options = Object.assign({ metaCacheTag: shard.hash }, common);
                  if (language) {
                    options.language = language;
                  }
                  merges.push(instance.mergeIndex(bundle.pathname + shard.id + "/", options));
                });
              });
              return Promise.all(merges);
            })
            .then(function () {
              return instance;
            });
        }
      );
    }
    return loading[order];
  }

  function kind() {
    var checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : "";
  }

  function order() {
    return newest && newest.checked ? "newest" : "relevance";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  /* Pagefind's excerpt is escaped text with <mark> around hits; keep only text and marks. */
  function excerpt(html) {
    var out = element("p", "search-result__excerpt");
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    parsed.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        out.appendChild(element("mark", "", node.textContent));
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function item(url, title, meta, text) {
    var li = element("li", "search-result");
    var heading = element("h2", "search-result__title");
    var link = element("a", "", title);
    link.href = url;
    heading.appendChild(link);
    li.appendChild(heading);
    li.appendChild(element("p", "search-result__meta", meta));
    if (text) {
      li.appendChild(excerpt(text));
    }
    return li;
  }

  /* One result as list items: a lead is one item, a digest one per matching headline. */
  function items(data) {
    var meta = data.meta || {};
    var date = meta.date || "";
    var title = meta.title || "";
    var kinds = (data.filters && data.filters.kind) || [];
    if (kinds.indexOf("headline") === -1) {
      return [item(data.url, title || data.url, msg("lead", { date: date }), data.excerpt)];
    }
    /* A headline's heading has the id hN (news) or rN (reference item); the section headings
       (news, refs) are no hits of their own. */
    var subs = (data.sub_results || []).filter(function (sub) {
      return sub.anchor && /^[hr]\d+$/.test(sub.anchor.id || "");
    });
    var from = msg("headline", { date: date, title: title });
    if (!subs.length) {
      return [item(data.url, msg("digest", { title: title }), from, data.excerpt)];
    }
    return subs.map(function (sub) {
      return item(sub.url, sub.title, from, sub.excerpt);
    });
  }

  /* Where the page of results starting at ``start`` ends: PAGE_SIZE results on, and past
     every result tied on score with the last one (best match only), so that a tie is never
     split between two pages and the tie-break by date sees the whole group. */
  function pageEnd(results, start, by) {
    var end = Math.min(start + PAGE_SIZE, results.length);
    if (by === "relevance") {
      while (end < results.length && results[end].score === results[end - 1].score) {
        end += 1;
      }
    }
    return end;
  }

  /* Best match: higher score first; the same score, the newer dump first (its stamp). */
  function byScoreThenNewest(a, b) {
    if (a.score !== b.score) {
      return b.score - a.score;
    }
    var x = (a.data.meta && a.data.meta.stamp) || "";
    var y = (b.data.meta && b.data.meta.stamp) || "";
    return x < y ? 1 : x > y ? -1 : 0;
  }

  function show(results, start, mine, by) {
    var end = pageEnd(results, start, by);
    return Promise.all(
      results.slice(start, end).map(function (result) {
        return result.data().then(function (data) {
          return { score: result.score, data: data };
        });
      })
    ).then(function (pages) {
      if (mine !== sequence) {
        return;
      }
      if (by === "relevance") {
        pages.sort(byScoreThenNewest);
      }
      pages.forEach(function (page) {
        items(page.data).forEach(function (li) {
          list.appendChild(li);
        });
      });
      if (more) {
        more.remove();
        more = null;
      }
      if (end < results.length) {
        more = element("button", "search-more", msg("more"));
        more.type = "button";
        more.addEventListener("click", function () {
          show(results, end, mine, by);
        });
        list.after(more);
      }
    });
  }

  function run() {
    var mine = ++sequence;
    var query = input.value.trim();
    var by = order();
    list.replaceChildren();
    if (more) {
      more.remove();
      more = null;
    }
    if (!query) {
      status.textContent = msg(by === "newest" ? "idle-newest" : "idle");
      return;
    }
    status.textContent = msg("searching");
    pagefind(by)
      .then(function (api) {
        var kinds = kind() ? [kind()] : ["lead", "headline"];
        var options = { filters: { kind: { any: kinds } } };
        if (by === "newest") {
          options.sort = { date: "desc" };
        }
        return api.search(query, options);
      })
      .then(function (search) {
        if (mine !== sequence || !search) {
          return;
        }
        var count = search.results.length;
        var found = count === 1 ? "found-one" : "found";
        status.textContent =
          count === 0
            ? msg("none", { query: query })
            : msg(by === "newest" ? found + "-newest" : found, { count: count });
        return show(search.results, 0, mine, by);
      })
      .catch(function () {
        if (mine === sequence) {
          status.textContent = msg("error");
        }
      });
  }

  function remember() {
    var params = new URLSearchParams();
    if (input.value.trim()) {
      params.set("q", input.value.trim());
    }
    if (kind()) {
      params.set("kind", kind());
    }
    if (order() === "newest") {
      params.set("sort", "newest");
    }
    var search = params.toString();
    history.replaceState(null, "", search ? "?" + search : location.pathname);
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      remember();
      run();
    }, 250);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    remember();
    run();
  });
  input.addEventListener("input", later);
  input.addEventListener("focus", function () {
    pagefind(order()).catch(function () {});
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind" || event.target.name === "sort") {
      remember();
      run();
    }
  });

  var params = new URLSearchParams(location.search);
  if (params.get("q")) {
    input.value = params.get("q");
  }
  var wanted = params.get("kind");
  form.querySelectorAll('input[name="kind"]').forEach(function (radio) {
    radio.checked = radio.value === (wanted === "lead" || wanted === "headline" ? wanted : "");
  });
  if (newest) {
    newest.checked = params.get("sort") === "newest";
  }
  if (input.value) {
    run();
  } else {
    status.textContent = msg(order() === "newest" ? "idle-newest" : "idle");
  }
})();
