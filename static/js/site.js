// sitrep: small enhancements; every page works without them. CSP-safe: no
// inline styles, no eval. State lives in classes and attributes.
(function () {
  "use strict";
  var d = document;
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // Copy buttons for the cite box's permanent link and reference, announced
  // through a status region.
  var box = d.querySelector(".cite-box");
  if (box) {
    var live = el("p", "visually-hidden");
    live.setAttribute("role", "status");
    box.appendChild(live);
    [[".cite-box__link", "Copy link", "Link copied"],
     [".cite-box__text", "Copy reference", "Reference copied"]].forEach(function (c) {
      var t = box.querySelector(c[0]);
      if (!t) return;
      var row = el(t.tagName === "INPUT" ? "span" : "div", "copy-row");
      t.parentNode.insertBefore(row, t);
      row.appendChild(t);
      var b = el("button", "button button--quiet button--small", c[1]);
      b.type = "button";
      row.appendChild(b);
      function ok() {
        b.textContent = "Copied";
        b.classList.add("is-copied");
        live.textContent = c[2];
        setTimeout(function () {
          b.textContent = c[1];
          b.classList.remove("is-copied");
          live.textContent = "";
        }, 2000);
      }
      function fallback() {
        // Select the text; the reader can copy it if the browser won't.
        if (t.select) t.select();
        else getSelection().selectAllChildren(t);
        try { if (d.execCommand("copy")) ok(); } catch (e) {}
      }
      b.addEventListener("click", function () {
        var text = t.value || t.textContent.trim();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(ok, fallback);
        } else fallback();
      });
    });
  }

  // Chart tooltips showing a mark's <title>. The box is placed by the
  // stylesheet on a grid of slots: data-x in tenths of the figure's width,
  // data-y in twentieths of its height.
  d.querySelectorAll(".chart").forEach(function (fig) {
    var tip = el("div", "chart-tip");
    tip.hidden = true;
    tip.setAttribute("aria-hidden", "true");
    fig.appendChild(tip);
    function hide() { tip.hidden = true; }
    function show(m) {
      var t = m.querySelector("title");
      if (!t) return;
      var f = fig.getBoundingClientRect(), r = m.getBoundingClientRect();
      var below = r.top - f.top < 70;
      var slot = function (v, n, k, fn) { return Math.max(0, Math.min(k, fn(v / n * k))); };
      tip.textContent = t.textContent;
      tip.setAttribute("data-x", slot(r.left + r.width / 2 - f.left, f.width, 10, Math.round));
      tip.setAttribute("data-y", slot((below ? r.bottom : r.top) - f.top, f.height, 20, below ? Math.ceil : Math.floor));
      tip.toggleAttribute("data-below", below);
      tip.hidden = false;
    }
    fig.querySelectorAll(".chart-mark").forEach(function (m) {
      m.addEventListener("mouseenter", function () { show(m); });
      m.addEventListener("focus", function () { show(m); });
      m.addEventListener("mouseleave", hide);
      m.addEventListener("blur", hide);
    });
    d.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  });
})();
