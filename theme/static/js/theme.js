/* Colour scheme: the system's (prefers-color-scheme) unless the reader chose one with the
   header's toggle; the choice is remembered in localStorage. Runs in <head>, before the first
   paint, and wires the button once the page is parsed. No inline script: CSP-friendly. */
(function () {
  "use strict";
  var KEY = "news-digest-theme";
  var root = document.documentElement;
  var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "dark" || value === "light" ? value : null;
    } catch (error) {
      return null; // storage disabled: follow the system
    }
  }

  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) {
      return chosen === "dark";
    }
    return Boolean(query && query.matches);
  }

  var initial = stored();
  if (initial) {
    root.setAttribute("data-theme", initial);
  }

  function sync(button) {
    button.setAttribute("aria-pressed", isDark() ? "true" : "false");
  }

  function wire() {
    var button = document.getElementById("theme-toggle");
    if (!button) {
      return;
    }
    button.hidden = false;
    sync(button);
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try {
        window.localStorage.setItem(KEY, next);
      } catch (error) {
        /* not remembered, still applied */
      }
      sync(button);
    });
    if (query && query.addEventListener) {
      query.addEventListener("change", function () {
        sync(button);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
