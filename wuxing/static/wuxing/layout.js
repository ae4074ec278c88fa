/* The sidebar's collapsed state, remembered in localStorage. Loaded in <head> without defer, so the remembered
   state applies before the first paint; the toggle is wired once the page is parsed. No inline script (CSP). */
(function () {
  "use strict";
  var KEY = "wx-side";
  var root = document.documentElement;
  try {
    if (window.localStorage.getItem(KEY) === "collapsed") root.classList.add("wx-side-collapsed");
  } catch (e) { /* storage refused: the sidebar stays open */ }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("wx-side-toggle");
    if (!button) return;
    var sync = function () {
      button.setAttribute("aria-expanded", root.classList.contains("wx-side-collapsed") ? "false" : "true");
    };
    sync();
    button.addEventListener("click", function () {
      var collapsed = root.classList.toggle("wx-side-collapsed");
      try { window.localStorage.setItem(KEY, collapsed ? "collapsed" : "open"); } catch (e) { /* not remembered */ }
      sync();
    });
  });
})();
