/* The phone scoring sheet keeps what the observer typed in the browser (localStorage) until the server has it:
   a reload on a weak connection, or a failed upload, loses nothing. Served by the app (no inline script). */
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form) return;
  var key = form.getAttribute("data-key");
  var inputs = form.querySelectorAll("input.wx-score, textarea[name=comment]");
  var totalEl = document.getElementById("score-total");
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }

  function total() {
    var sum = 0;
    form.querySelectorAll("input.wx-score").forEach(function (el) {
      var v = parseFloat(el.value);
      if (!isNaN(v)) sum += v;
    });
    if (totalEl) totalEl.textContent = sum.toFixed(2);
  }
  function save() {
    if (!store) return;
    var data = {};
    inputs.forEach(function (el) { data[el.name] = el.value; });
    try { store.setItem(key, JSON.stringify(data)); } catch (e) { /* full or private mode: nothing to do */ }
  }
  function restore() {
    if (!store) return;
    var raw = store.getItem(key);
    if (!raw) return;
    var data;
    try { data = JSON.parse(raw); } catch (e) { return; }
    inputs.forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(data, el.name) && data[el.name] !== "") el.value = data[el.name];
    });
  }
  restore();
  total();
  inputs.forEach(function (el) { el.addEventListener("input", function () { save(); total(); }); });
  form.querySelectorAll(".wx-step").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var input = btn.parentNode.querySelector("input.wx-score");
      var max = parseFloat(input.getAttribute("max"));
      var v = parseFloat(input.value);
      v = (isNaN(v) ? 0 : v) + parseFloat(btn.getAttribute("data-step"));
      input.value = Math.max(0, Math.min(max, v));
      save();
      total();
    });
  });
  // The key carries the card's last save: copies kept before the server had the values are dropped.
  if (store) {
    var prefix = key.replace(/-[0-9]+$/, "-");
    for (var i = store.length - 1; i >= 0; i--) {
      var k = store.key(i);
      if (k && k.indexOf(prefix) === 0 && k !== key) store.removeItem(k);
    }
  }
  window.addEventListener("pageshow", total);
})();
