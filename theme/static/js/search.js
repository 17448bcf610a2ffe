/* The search page: Pagefind's JS API over the index written after the build (pagefind/).
   The index is one shard a month (pagefind/YYYY-MM/, listed newest first in
   pagefind/shards.json with the languages of its pages), merged into the small primary index
   of pagefind/, one language of a shard at a time, so every page is searched in the index of
   its own language.

   Each shard's indexes carry a "shard" filter of their own (mergeFilter). Two orders:
   - best match (the default): Pagefind's relevance scores, compared across shards (every
     index has weight 1); results with the same score are shown newest first, by the "stamp"
     meta (the date and time of the dump), which each page of results reads from the results
     it shows and from all those tied with its last one, so the tie-break is exact;
   - newest first (the "Newest first" switch, ?sort=newest): one search a shard, newest month
     first, with the "date" sort, until a page of results is full. (Pagefind's sort scores a
     result by its place in its own index's sort, so the scores of two shards cannot be
     compared, and its merge of several indexes sorts by score.)
   Leads and "More headlines" pages are indexed; a hit on a headline links to its heading on
   the digest page. The kind filter always names a kind, which keeps out the primary's
   placeholder page (kind "none"). The query lives in the URL (?q=...&kind=...&sort=newest),
   so a search can be shared or bookmarked. Dump text reaches the page only as text nodes:
   excerpts are rebuilt from <mark> pieces. Words shown come from the page's data-msg-*
   attributes, so they are translated with the templates. */
(function () {
  "use strict";
  var PAGE_SIZE = 20;
  /* Matching headlines shown per "More headlines" page; the rest are one link to the page,
     so a page of 2,000 matching headlines is 6 list items, not 2,000. */
  var SUBS_SHOWN = 5;
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

  /* Pagefind, with every shard merged once per language, each tagged with a "shard" filter of
     its own (mergeFilter), all indexes of weight 1. Called in order without waiting: Pagefind
     adds each index before its first await. */
  function pagefind() {
    if (!loading.api) {
      loading.api = Promise.all([import(bundle.href + "pagefind.js"), manifest()]).then(
        function (both) {
          var api = both[0];
          var shards = both[1];
          var common = { baseUrl: base.pathname };
          return api
            .options(
              Object.assign({ bundlePath: bundle.pathname, metaCacheTag: shards.primary }, common)
            )
            .then(function () {
              var merges = [];
              shards.shards.forEach(function (shard) {
                (shard.languages.length ? shard.languages : [null]).forEach(function (language) {
                  var options = Object.assign(
                    { metaCacheTag: shard.hash, mergeFilter: { shard: shard.id } },
                    common
                  );
                  if (language) {
                    options.language = language;
                  }
                  merges.push(api.mergeIndex(bundle.pathname + shard.id + "/", options));
                });
              });
              return Promise.all(merges);
            })
            .then(function () {
              return { api: api, shards: shards.shards };
            });
        }
      );
    }
    return loading.api;
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
    var shown = subs.slice(0, SUBS_SHOWN).map(function (sub) {
      return item(sub.url, sub.title, from, sub.excerpt);
    });
    if (subs.length > SUBS_SHOWN) {
      var rest = subs.length - SUBS_SHOWN;
      shown.push(item(data.url, msg(rest === 1 ? "more-sub" : "more-subs", { count: rest }), from));
    }
    return shown;
  }

  /* The results found in a page's indexed text. Pagefind (1.5) also matches the words of its
     metadata (a digest page's lead title, a date), which would list a "More headlines" page
     for a word of its lead's title only, or every page for "May"; such a result has no word
     location in the text. */
  function inText(results) {
    return results.filter(function (result) {
      return result.words && result.words.length > 0;
    });
  }

  /* Results with their data, a page at a time, in the order chosen. */
  function loaded(result) {
    return result.data().then(function (data) {
      return { score: result.score, data: data };
    });
  }

  function stampOf(page) {
    return (page.data.meta && page.data.meta.stamp) || "";
  }

  function newerFirst(a, b) {
    var x = stampOf(a);
    var y = stampOf(b);
    return x < y ? 1 : x > y ? -1 : 0;
  }

  /* Best match: higher score first; the same score, the newer dump first (its stamp). */
  function byScoreThenNewest(a, b) {
    return a.score !== b.score ? b.score - a.score : newerFirst(a, b);
  }

  /* Best match: the results of one search, sorted by score. A page of results ends PAGE_SIZE
     results on and past every result tied on score with its last one, so that a tie is never
     split between two pages and the tie-break by date sees the whole group. */
  function bestMatches(results) {
    var start = 0;
    return function next() {
      var end = Math.min(start + PAGE_SIZE, results.length);
      while (end < results.length && results[end].score === results[end - 1].score) {
        end += 1;
      }
      var slice = results.slice(start, end);
      start = end;
      return Promise.all(slice.map(loaded)).then(function (pages) {
        return { pages: pages.sort(byScoreThenNewest), done: start >= results.length };
      });
    };
  }

  /* Newest first: one shard (a month) at a time, newest month first. Searched with its shard
     filter and the "date" sort, a shard's results come newest first (Pagefind scores them by
     their place in the shard's sort); a shard with pages in several languages has one sort a
     language, so its results are put in order by their stamp. Shards with no result (by the
     first search's counts of the "shard" filter) are not searched. */
  function newestFirst(api, shards, query, filters, counts) {
    var queue = shards.filter(function (shard) {
      return !counts || counts[shard.id] > 0;
    });
    var buffer = [];
    function fill() {
      if (buffer.length >= PAGE_SIZE || !queue.length) {
        return Promise.resolve();
      }
      var shard = queue.shift();
      var options = {
        filters: Object.assign({ shard: shard.id }, filters),
        sort: { date: "desc" },
      };
      return api
        .search(query, options)
        .then(function (search) {
          var results = inText(search.results);
          if (shard.languages.length > 1) {
            return Promise.all(results.map(loaded)).then(function (pages) {
              buffer.push.apply(buffer, pages.sort(newerFirst));
            });
          }
          buffer.push.apply(
            buffer,
            results.map(function (result) {
              return { result: result };
            })
          );
        })
        .then(fill);
    }
    return function next() {
      return fill().then(function () {
        var slice = buffer.splice(0, PAGE_SIZE);
        return Promise.all(
          slice.map(function (entry) {
            return entry.result ? loaded(entry.result) : entry;
          })
        ).then(function (pages) {
          return { pages: pages, done: !buffer.length && !queue.length };
        });
      });
    };
  }

  function show(next, mine) {
    return next().then(function (page) {
      if (mine !== sequence) {
        return;
      }
      page.pages.forEach(function (entry) {
        items(entry.data).forEach(function (li) {
          list.appendChild(li);
        });
      });
      if (more) {
        more.remove();
        more = null;
      }
      if (!page.done) {
        more = element("button", "search-more", msg("more"));
        more.type = "button";
        more.addEventListener("click", function () {
          show(next, mine);
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
    var kinds = kind() ? [kind()] : ["lead", "headline"];
    var filters = { kind: { any: kinds } };
    pagefind()
      .then(function (loaded) {
        return loaded.api.search(query, { filters: filters }).then(function (search) {
          if (mine !== sequence || !search) {
            return;
          }
          var results = inText(search.results);
          var count = results.length;
          var found = count === 1 ? "found-one" : "found";
          status.textContent =
            count === 0
              ? msg("none", { query: query })
              : msg(by === "newest" ? found + "-newest" : found, { count: count });
          if (!count) {
            return;
          }
          var next =
            by === "newest"
              ? newestFirst(
                  loaded.api,
                  loaded.shards,
                  query,
                  filters,
                  search.filters && search.filters.shard
                )
              : bestMatches(results);
          return show(next, mine);
        });
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
    pagefind().catch(function () {});
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
