/* The search page: Pagefind's JS API over the index written after the build (pagefind/).
   The index is one shard a month (pagefind/YYYY-MM/, listed newest first in
   pagefind/shards.json with the languages of its pages), and a month directory in two
   parts (pagefind/months/recent/ and older/): one page a month, language and kind of page,
   holding every word of that month's pages, with "month" and "of" (kind) filters.

   A query is first looked up in the directory (each part merged once per language into a
   Pagefind instance of its own), whose month counts say which months hold the words. Only those
   shards are merged, into a fresh instance for each query (so a query never loads the
   index chunks of months merged for an earlier one), newest first, MONTHS_PER_STEP at a
   time: each one language of a shard at a time
   (so every page is searched in the index of its own language), with a "shard" filter of
   its own (mergeFilter). The first query so downloads the script, the WebAssembly, the
   directory and a few months, not every month of the site. Without a directory (an index
   of an older build) every shard is merged and searched at once.

   Two orders:
   - best match (the default): Pagefind's relevance scores, compared across the months of a
     step (every index has weight 1); results with the same score are shown newest first,
     by the "stamp" meta (the date and time of the dump), which each page of results reads
     from the results it shows and from all those tied with its last one, so the tie-break
     is exact. When a step's results are shown, "More results" searches the next older
     months;
   - newest first (the "Newest first" switch, ?sort=newest): one search a shard, newest
     month first, with the "date" sort, until a page of results is full. (Pagefind's sort
     scores a result by its place in its own index's sort, so the scores of two shards
     cannot be compared, and its merge of several indexes sorts by score.)
   The status line says how many months of those that hold the words were searched.
   Leads and "More headlines" pages are indexed; a hit on a headline links to its heading on
   the digest page. The kind filter always names a kind, which keeps out the primary's
   placeholder page (kind "none") and the directory's pages (no kind). The query lives in the
   URL (?q=...&kind=...&sort=newest), so a search can be shared or bookmarked. Dump text
   reaches the page only as text nodes: excerpts are rebuilt from <mark> pieces. Words shown
   come from the page's data-msg-* attributes, so they are translated with the templates. */
(function () {
  "use strict";
  var PAGE_SIZE = 10;
  /* Months (shards) merged and searched per step. Each costs its entry, page list, the
     index chunk that may hold the word and its kind filter: about 26 KB at 10,000 dumps,
     so the first query stays within 300 KB (docs/search.md). */
  var MONTHS_PER_STEP = 3;
  var DIRECTORY = "months/";
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

  /* Pagefind, and the month directory merged once per language into an instance of its
     own (finder): {api, finder, primary (options of a primary index), shards (newest
     first), directory (whether there is one), all (without a directory: an index with every
     shard merged), current (the index of the query being shown)}. */
  function pagefind() {
    if (!loading.api) {
      loading.api = Promise.all([import(bundle.href + "pagefind.js"), manifest()]).then(
        function (both) {
          var api = both[0];
          var index = both[1];
          var state = {
            api: api,
            finder: null,
            primary: Object.assign({ metaCacheTag: index.primary }, common()),
            shards: index.shards,
            directory: Boolean(index.directory && Array.isArray(index.directory.parts)),
            all: null,
            current: null,
          };
          if (!state.directory) {
            return everyShard(state);
          }
          state.finder = opened(state);
          return state.finder.ready
            .then(function () {
              var merges = [];
              index.directory.parts.forEach(function (part) {
                part.languages.forEach(function (language) {
                  merges.push(
                    state.finder.mergeIndex(
                      bundle.pathname + DIRECTORY + part.id + "/",
                      Object.assign({ metaCacheTag: part.hash, language: language }, common())
                    )
                  );
                });
              });
              return Promise.all(merges);
            })
            .then(function () {
              /* A search counts its results by the values of loaded filters only: the
                 directory's "month" counts are what say which months to merge. */
              return state.finder.filters();
            })
            .then(
              function () {
                return state;
              },
              function () {
                /* A directory that cannot be loaded: every shard is searched instead. */
                state.finder.destroy();
                state.finder = null;
                state.directory = false;
                return everyShard(state);
              }
            );
        }
      );
    }
    return loading.api;
  }

  /* Without a directory: one index with every shard merged (state.all). */
  function everyShard(state) {
    state.all = { api: state.api, merged: {} };
    return state.api
      .options(Object.assign({ bundlePath: bundle.pathname }, state.primary))
      .then(function () {
        return mergeAll(state.all, state.shards);
      })
      .then(function () {
        return state;
      });
  }

  function common() {
    return { baseUrl: base.pathname };
  }

  /* A Pagefind instance of its own, with the primary index (its files come from the
     browser's cache after the first). */
  function opened(state) {
    var instance = state.api.createInstance(
      Object.assign({ basePath: bundle.pathname }, state.primary)
    );
    instance.ready = instance.options(state.primary);
    return instance;
  }

  /* The index a query searches: a fresh instance into which its months are merged, so that
     a query never loads the index chunks of months merged for an earlier one (the previous
     query's instance is destroyed); without a directory, the one with every shard. */
  function searchIndex(state) {
    if (!state.directory) {
      return state.all;
    }
    dropCurrent(state);
    state.current = { api: opened(state), merged: {} };
    return state.current;
  }

  function dropCurrent(state) {
    if (state.current) {
      state.current.api.destroy();
      state.current = null;
    }
  }

  /* A shard merged once per language into ``index``, tagged with a "shard" filter of its
     own. Called in order without waiting: Pagefind adds each index before its first
     await. */
  function merge(index, shard) {
    if (!index.merged[shard.id]) {
      index.merged[shard.id] = Promise.resolve(index.api.ready).then(function () {
        return mergeShard(index, shard);
      });
    }
    return index.merged[shard.id];
  }

  function mergeShard(index, shard) {
    var merges = [];
    (shard.languages.length ? shard.languages : [null]).forEach(function (language) {
      var options = Object.assign(
        { metaCacheTag: shard.hash, mergeFilter: { shard: shard.id } },
        common()
      );
      if (language) {
        options.language = language;
      }
      merges.push(index.api.mergeIndex(bundle.pathname + shard.id + "/", options));
    });
    return Promise.all(merges);
  }

  function mergeAll(index, shards) {
    return Promise.all(
      shards.map(function (shard) {
        return merge(index, shard);
      })
    );
  }

  /* The shards (newest first) whose months hold the words of the query on pages of the
     kinds asked for: the directory's pages that match it, by their "month" filter. Every
     shard when there is no directory. A quoted query ("central bank", Pagefind's search
     for the words side by side) is looked up word by word: a directory page holds each word
     once, not in the order of the text. Without a directory: the months with a result. */
  function monthsOf(state, query, kinds) {
    if (!state.directory) {
      /* Every shard is merged: its "shard" filter counts say which months have a result. */
      var kindOnly = { filters: { kind: { any: kinds } } };
      return state.all.api.search(query, kindOnly).then(function (search) {
        var counts = (search && search.filters && search.filters.shard) || {};
        return state.shards.filter(function (shard) {
          return counts[shard.id] > 0;
        });
      });
    }
    var words = query.replace(/"/g, " ").trim();
    return state.finder.search(words, { filters: { of: { any: kinds } } }).then(function (search) {
      var counts = (search && search.filters && search.filters.month) || {};
      return state.shards.filter(function (shard) {
        return counts[shard.id] > 0;
      });
    });
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

  /* Best match: the months a step at a time, each step one search over its shards, its
     results sorted by score. A page of results ends PAGE_SIZE results on and past every
     result tied on score with its last one, so that a tie is never split between two pages
     and the tie-break by date sees the whole group. A step with no result goes on to the
     next. */
  function bestMatches(index, months, query, filters, step) {
    var queue = months.slice();
    var results = [];
    var start = 0;
    var found = 0;
    function searchStep() {
      var batch = queue.splice(0, step);
      return mergeAll(index, batch)
        .then(function () {
          var ids = batch.map(function (shard) {
            return shard.id;
          });
          return index.api.search(query, {
            filters: Object.assign({ shard: { any: ids } }, filters),
          });
        })
        .then(function (search) {
          results = inText(search.results);
          start = 0;
          found += results.length;
          if (!results.length && queue.length) {
            return searchStep();
          }
        });
    }
    return function next() {
      var ready = start < results.length || !queue.length ? Promise.resolve() : searchStep();
      return ready.then(function () {
        var end = Math.min(start + PAGE_SIZE, results.length);
        while (end < results.length && results[end].score === results[end - 1].score) {
          end += 1;
        }
        var slice = results.slice(start, end);
        start = end;
        return Promise.all(slice.map(loaded)).then(function (pages) {
          return {
            pages: pages.sort(byScoreThenNewest),
            done: start >= results.length && !queue.length,
            found: found,
            searched: months.length - queue.length,
            total: months.length,
          };
        });
      });
    };
  }

  /* Newest first: one shard (a month) at a time, newest month first. Searched with its shard
     filter and the "date" sort, a shard's results come newest first (Pagefind scores them by
     their place in the shard's sort); a shard with pages in several languages has one sort a
     language, so its results are put in order by their stamp. A page of results merges at
     most ``step`` months unless it has no result yet. */
  function newestFirst(index, months, query, filters, step) {
    var queue = months.slice();
    var buffer = [];
    var found = 0;
    function fill(budget) {
      if (buffer.length >= PAGE_SIZE || !queue.length || (budget <= 0 && buffer.length)) {
        return Promise.resolve();
      }
      var shard = queue.shift();
      var options = {
        filters: Object.assign({ shard: shard.id }, filters),
        sort: { date: "desc" },
      };
      return merge(index, shard)
        .then(function () {
          return index.api.search(query, options);
        })
        .then(function (search) {
          var results = inText(search.results);
          found += results.length;
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
        .then(function () {
          return fill(budget - 1);
        });
    }
    return function next() {
      return fill(step).then(function () {
        var slice = buffer.splice(0, PAGE_SIZE);
        return Promise.all(
          slice.map(function (entry) {
            return entry.result ? loaded(entry.result) : entry;
          })
        ).then(function (pages) {
          return {
            pages: pages,
            done: !buffer.length && !queue.length,
            found: found,
            searched: months.length - queue.length,
            total: months.length,
          };
        });
      });
    };
  }

  /* The status line for what a page of results says has been searched. */
  function report(page, by) {
    var suffix = by === "newest" ? "-newest" : "";
    if (page.searched >= page.total) {
      if (!page.found) {
        return null;
      }
      return msg((page.found === 1 ? "found-one" : "found") + suffix, { count: page.found });
    }
    return msg((page.found === 1 ? "found-part-one" : "found-part") + suffix, {
      count: page.found,
      months: page.searched,
      total: page.total,
    });
  }

  function show(next, mine, by, query) {
    return next().then(function (page) {
      if (mine !== sequence) {
        return;
      }
      status.textContent = report(page, by) || msg("none", { query: query });
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
          /* One step at a time: a second click while it loads would start another. */
          more.disabled = true;
          show(next, mine, by, query);
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
      .then(function (state) {
        return monthsOf(state, query, kinds).then(function (months) {
          if (mine !== sequence) {
            return;
          }
          if (!months.length) {
            dropCurrent(state);
            status.textContent = msg("none", { query: query });
            return;
          }
          var step = state.directory ? MONTHS_PER_STEP : months.length;
          var index = searchIndex(state);
          var next =
            by === "newest"
              ? newestFirst(index, months, query, filters, step)
              : bestMatches(index, months, query, filters, step);
          return show(next, mine, by, query);
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
