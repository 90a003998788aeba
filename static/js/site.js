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
  // Filter boxes that suggest as you type (ARIA combobox and listbox),
  // made comboboxes here so that without the script they are plain text
  // boxes: htmx fills each listbox; the arrow keys move through it, Enter
  // or a click puts the option in the box and applies the filter, Escape
  // closes it. Delegated from the document, since the fields are swapped with
  // every filtered page. A ticked value that is unticked applies at once.
  function combobox(root) {
    root.querySelectorAll("input[data-listbox]").forEach(function (input) {
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", input.getAttribute("data-listbox"));
    });
  }
  combobox(d);
  d.addEventListener("htmx:load", function (e) { combobox(e.target); });
  function comboList(input) {
    var id = input && input.getAttribute && input.getAttribute("data-listbox");
    return id && d.getElementById(id);
  }
  function options(list) { return list.querySelectorAll("[role=option]"); }
  function activate(input, list, opt) {
    options(list).forEach(function (o) { o.setAttribute("aria-selected", o == opt ? "true" : "false"); });
    if (opt) {
      input.setAttribute("aria-activedescendant", opt.id);
      opt.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function toggle(input, list, open) {
    open = open && options(list).length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) activate(input, list, null);
  }
  function choose(input, list, opt) {
    input.value = opt.getAttribute("data-value");
    toggle(input, list, false);
    if (input.form) input.form.requestSubmit();
  }
  d.addEventListener("keydown", function (e) {
    var input = e.target, list = comboList(input);
    if (!list) return;
    var opts = [].slice.call(options(list)), active = d.getElementById(input.getAttribute("aria-activedescendant") || "");
    var i = opts.indexOf(active);
    if (e.key == "ArrowDown" || e.key == "ArrowUp") {
      if (!opts.length) return;
      e.preventDefault();
      if (list.hidden) toggle(input, list, true);
      var n = e.key == "ArrowDown" ? i + 1 : (i < 0 ? opts.length : i) - 1;
      activate(input, list, opts[(n + opts.length) % opts.length]);
    } else if (e.key == "Enter" && !list.hidden && active) {
      e.preventDefault();
      choose(input, list, active);
    } else if (e.key == "Escape" && !list.hidden) {
      e.preventDefault();
      toggle(input, list, false);
    } else if (e.key == "Tab") {
      toggle(input, list, false);
    }
  });
  d.addEventListener("focusout", function (e) {
    var list = comboList(e.target);
    if (list) toggle(e.target, list, false);
  });
  d.addEventListener("click", function (e) {
    var list = comboList(e.target);
    if (list && list.hidden) toggle(e.target, list, true);
  });
  // mousedown, not click: the box keeps its focus while an option is
  // chosen or the list is scrolled.
  d.addEventListener("mousedown", function (e) {
    var list = e.target.closest && e.target.closest("[role=listbox]");
    var input = list && d.querySelector("[data-listbox='" + list.id + "']");
    if (!input) return;
    e.preventDefault();
    var opt = e.target.closest("[role=option]");
    if (opt) choose(input, list, opt);
  });
  d.addEventListener("htmx:afterSwap", function (e) {
    var list = (e.detail && e.detail.target) || e.target, input = list.id && d.querySelector("[data-listbox='" + list.id + "']");
    if (input) toggle(input, list, d.activeElement == input && input.value.trim() != "");
  });
  // The filter's address carries only what is set: the empty boxes a form
  // always sends would make every shared link longer and every view one
  // more cache entry.
  d.addEventListener("htmx:configRequest", function (e) {
    var fd = e.detail.formData;
    if (e.target.id != "filter-form" || !fd) return;
    var keep = [], keys = [];
    fd.forEach(function (v, k) {
      keys.push(k);
      if (v !== "" && !(k == "order" && v == "oldest")) keep.push([k, v]);
    });
    keys.forEach(function (k) { fd.delete(k); });
    keep.forEach(function (p) { fd.append(p[0], p[1]); });
  });
  d.addEventListener("htmx:beforeRequest", function (e) {
    // A filter being applied closes any suggestions still open.
    if (e.target.id == "filter-form") {
      d.querySelectorAll("#filter-form [data-listbox]").forEach(function (input) { toggle(input, comboList(input), false); });
    }
  });
  d.addEventListener("change", function (e) {
    var t = e.target;
    if (t.closest && t.closest(".picks") && t.form) t.form.requestSubmit();
  });
  // A form that takes seconds to answer (an import) says so on the button
  // that sent it, and a second press meanwhile sends nothing.
  d.addEventListener("submit", function (e) {
    var f = e.target, busy = f.getAttribute("data-busy");
    if (!busy || e.defaultPrevented) return;
    if (f.getAttribute("aria-busy") == "true") {
      e.preventDefault();
      return;
    }
    f.setAttribute("aria-busy", "true");
    var b = e.submitter || f.querySelector("[type=submit]");
    if (b) {
      b.setAttribute("data-label", b.textContent);
      b.textContent = busy;
    }
  });
  // A page brought back by the browser's Back button is as it was left:
  // its forms are ready again.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    d.querySelectorAll("form[aria-busy=true]").forEach(function (f) {
      f.removeAttribute("aria-busy");
      f.querySelectorAll("[data-label]").forEach(function (b) {
        b.textContent = b.getAttribute("data-label");
        b.removeAttribute("data-label");
      });
    });
  });
})(document);
