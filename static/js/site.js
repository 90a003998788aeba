// sitrep: small enhancements; pages work without them. CSP-safe: no
// inline styles, no eval; state is classes and attributes.
(function (d) {
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    e.className = cls;
    e.textContent = text || "";
    return e;
  }

  // Copy buttons in the cite box, announced in a status region.
  var box = d.querySelector(".cite-box");
  if (box) {
    var live = box.appendChild(el("p", "visually-hidden"));
    live.setAttribute("role", "status");
    [[".cite-box__link", "Copy link", "Link copied"],
     [".cite-box__text", "Copy reference", "Reference copied"]].forEach(function (c) {
      var t = box.querySelector(c[0]);
      if (!t) return;
      var row = el(t.value == null ? "div" : "span", "copy-row");
      t.before(row);
      row.append(t);
      var b = row.appendChild(el("button", "button button--quiet button--small", c[1]));
      b.type = "button";
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
      function sel() { // select it, so the reader can copy by hand
        t.select ? t.select() : getSelection().selectAllChildren(t);
        try { if (d.execCommand("copy")) ok(); } catch (e) {}
      }
      b.onclick = function () {
        var s = t.value || t.textContent.trim();
        navigator.clipboard && isSecureContext ? navigator.clipboard.writeText(s).then(ok, sel) : sel();
      };
    });
  }

  // Chart tooltips from each mark's <title>. The stylesheet places the box
  // on slots: data-x in tenths of the figure's width, data-y in twentieths
  // of its height; data-below when the mark is near the top.
  d.querySelectorAll(".chart").forEach(function (fig) {
    var tip = fig.appendChild(el("div", "chart-tip"));
    tip.hidden = true;
    tip.setAttribute("aria-hidden", "true");
    function hide() { tip.hidden = true; }
    function slot(v, n, k, f) { return Math.max(0, Math.min(k, f(v / n * k))); }
    fig.querySelectorAll(".chart-mark").forEach(function (m) {
      function show() {
        var t = m.querySelector("title"), f = fig.getBoundingClientRect(), r = m.getBoundingClientRect();
        var below = r.top - f.top < 70;
        // Not while the figure scrolls sideways (phones): slots would be off.
        if (!t || fig.scrollWidth > fig.clientWidth + 1) return;
        tip.textContent = t.textContent;
        tip.setAttribute("data-x", slot(r.left + r.width / 2 - f.left, f.width, 10, Math.round));
        tip.setAttribute("data-y", slot((below ? r.bottom : r.top) - f.top, f.height, 20, below ? Math.ceil : Math.floor));
        tip.toggleAttribute("data-below", below);
        tip.hidden = false;
      }
      m.addEventListener("mouseenter", show);
      m.addEventListener("focus", show);
      m.addEventListener("mouseleave", hide);
      m.addEventListener("blur", hide);
    });
    d.addEventListener("keydown", function (e) { if (e.key == "Escape") hide(); });
  });
})(document);
