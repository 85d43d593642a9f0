// xception-spark report: gallery sorting and filtering, embedding-map hover. Plain JavaScript, no libraries.
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll("#gallery .card"));
  var holder = document.querySelector("#gallery .cards");
  var sort = document.getElementById("sort");
  var label = document.getElementById("label-filter");
  var minP = document.getElementById("min-p");
  var maxP = document.getElementById("max-p");
  var shown = document.getElementById("gallery-count");
  var minOut = document.getElementById("min-p-value");
  var maxOut = document.getElementById("max-p-value");

  function prob(card) {
    var p = parseFloat(card.getAttribute("data-p"));
    return isNaN(p) ? -1 : p;
  }

  function apply() {
    if (!holder) { return; }
    var key = sort ? sort.value : "p-asc";
    var sorted = cards.slice().sort(function (a, b) {
      if (key === "p-asc") { return prob(a) - prob(b); }
      if (key === "p-desc") { return prob(b) - prob(a); }
      var la = a.getAttribute(key === "label" ? "data-label" : "data-path") || "";
      var lb = b.getAttribute(key === "label" ? "data-label" : "data-path") || "";
      return la < lb ? -1 : la > lb ? 1 : prob(a) - prob(b);
    });
    var text = label ? label.value.trim().toLowerCase() : "";
    var lo = minP ? parseFloat(minP.value) : 0;
    var hi = maxP ? parseFloat(maxP.value) : 1;
    if (minOut) { minOut.textContent = lo.toFixed(2); }
    if (maxOut) { maxOut.textContent = hi.toFixed(2); }
    var visible = 0;
    sorted.forEach(function (card) {
      var l = (card.getAttribute("data-label") || "").toLowerCase();
      var p = prob(card);
      var ok = (text === "" || l.indexOf(text) >= 0) && (p < 0 || (p >= lo && p <= hi));
      card.hidden = !ok;
      if (ok) { visible++; }
      holder.appendChild(card);
    });
    if (shown) { shown.textContent = visible + " of " + cards.length + " sampled images shown"; }
  }

  [sort, label, minP, maxP].forEach(function (el) {
    if (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); }
  });
  apply();

  var box = document.querySelector("#map .mapbox");
  var tip = document.getElementById("map-tip");
  if (box && tip) {
    var tipImg = tip.querySelector("img");
    var tipText = tip.querySelector("span");
    box.addEventListener("mouseover", function (e) {
      var point = e.target.closest ? e.target.closest(".point") : null;
      if (!point) { return; }
      var source = document.getElementById(point.getAttribute("data-thumb"));
      if (source && source.tagName === "IMG") {
        tipImg.src = source.src;
        tipImg.hidden = false;
      } else {
        tipImg.hidden = true;
      }
      tipText.textContent = point.getAttribute("data-name");
      var r = box.getBoundingClientRect();
      var cx = e.clientX - r.left;
      var cy = e.clientY - r.top;
      tip.style.left = Math.min(cx + 12, r.width - 160) + "px";
      tip.style.top = Math.max(cy - 130, 0) + "px";
      tip.hidden = false;
      point.classList.add("on");
    });
    box.addEventListener("mouseout", function (e) {
      var point = e.target.closest ? e.target.closest(".point") : null;
      if (point) { point.classList.remove("on"); }
      tip.hidden = true;
    });
  }
})();
