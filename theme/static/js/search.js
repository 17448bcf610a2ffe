/* The search page: Pagefind's JS API over the index written after the build (pagefind/).
   The index is one shard a month (pagefind/YYYY-MM/, listed newest first in
   pagefind/shards.json), merged into the small primary index of pagefind/ with weight 0: every
   score is then 0, Pagefind's merge keeps the shards' order, and each shard's own results come
   newest first (its "date" sort), so the whole list is newest first. Leads and "More headlines"
   pages are indexed; a hit on a headline links to its heading on the digest page. The kind
   filter always names a kind, which keeps out the primary's placeholder page (kind "none").
   The query lives in the URL (?q=...&kind=...), so a search can be shared or bookmarked.
   Dump text reaches the page only as text nodes: excerpts are rebuilt from <mark> pieces. */
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
  var bundle = new URL(form.getAttribute("data-bundle"), document.baseURI);
  var base = new URL(form.getAttribute("data-base"), document.baseURI);
  var loading = null;
  var sequence = 0;
  var timer = null;
  var more = null;

  function pagefind() {
    if (!loading) {
      var manifest = fetch(bundle.href + "shards.json", { cache: "no-cache" }).then(function (r) {
        if (!r.ok) {
          throw new Error("no shards.json");
        }
        return r.json();
      });
      loading = Promise.all([import(bundle.href + "pagefind.js"), manifest]).then(function (both) {
        var api = both[0];
        var shards = both[1];
        var common = { baseUrl: base.pathname, indexWeight: 0 };
        return api
          .options(Object.assign({ bundlePath: bundle.pathname, metaCacheTag: shards.primary }, common))
          .then(function () {
            /* Called in order, without waiting: Pagefind adds each index before its first await. */
            return Promise.all(
              shards.shards.map(function (shard) {
                return api.mergeIndex(
                  bundle.pathname + shard.id + "/",
                  Object.assign({ metaCacheTag: shard.hash }, common)
                );
              })
            );
          })
          .then(function () {
            return api;
          });
      });
    }
    return loading;
  }

  function kind() {
    var checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : "";
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

  /* One page of results as list items: a lead is one item, a digest one per matching headline. */
  function items(data) {
    var meta = data.meta || {};
    var date = meta.date || "";
    var kinds = (data.filters && data.filters.kind) || [];
    if (kinds.indexOf("headline") === -1) {
      return [item(data.url, meta.title || data.url, "Lead story · " + date, data.excerpt)];
    }
    /* A headline's heading has the id hN (news) or rN (reference item); the section headings
       (news, refs) are no hits of their own. */
    var subs = (data.sub_results || []).filter(function (sub) {
      return sub.anchor && /^[hr]\d+$/.test(sub.anchor.id || "");
    });
    var from = "Headline · " + date + " · from the page of " + (meta.title || "");
    if (!subs.length) {
      return [item(data.url, "More headlines: " + (meta.title || ""), from, data.excerpt)];
    }
    return subs.map(function (sub) {
      return item(sub.url, sub.title, from, sub.excerpt);
    });
  }

  function show(results, start, mine) {
    var slice = results.slice(start, start + PAGE_SIZE);
    return Promise.all(
      slice.map(function (result) {
        return result.data();
      })
    ).then(function (pages) {
      if (mine !== sequence) {
        return;
      }
      pages.forEach(function (data) {
        items(data).forEach(function (li) {
          list.appendChild(li);
        });
      });
      if (more) {
        more.remove();
        more = null;
      }
      var next = start + PAGE_SIZE;
      if (next < results.length) {
        more = element("button", "search-more", "More results");
        more.type = "button";
        more.addEventListener("click", function () {
          show(results, next, mine);
        });
        list.after(more);
      }
    });
  }

  function run() {
    var mine = ++sequence;
    var query = input.value.trim();
    list.replaceChildren();
    if (more) {
      more.remove();
      more = null;
    }
    if (!query) {
      status.textContent = "Results are shown newest first.";
      return;
    }
    status.textContent = "Searching…";
    pagefind()
      .then(function (api) {
        var kinds = kind() ? [kind()] : ["lead", "headline"];
        return api.search(query, { sort: { date: "desc" }, filters: { kind: { any: kinds } } });
      })
      .then(function (search) {
        if (mine !== sequence || !search) {
          return;
        }
        var count = search.results.length;
        status.textContent =
          count === 0
            ? "Nothing found for “" + query + "”."
            : "Found on " + count + (count === 1 ? " page" : " pages") + ", newest first.";
        return show(search.results, 0, mine);
      })
      .catch(function () {
        if (mine === sequence) {
          status.textContent = "Search is not available: its index could not be loaded.";
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
    if (event.target.name === "kind") {
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
  if (input.value) {
    run();
  }
})();
