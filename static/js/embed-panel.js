// sitrep: the Embed panel of a timeline or the estimates explorer. Without
// this script the panel's form reloads the page with the options and the
// server writes the snippets. With it, the snippets and the preview follow
// the options as they change, copy buttons copy the snippets, and the
// preview's height follows its content. The snippets are built as the
// server builds them (internal/server/embed_panel.go); a browser test
// checks that the two agree.
(function () {
  'use strict';
  var panel = document.querySelector('.embed-panel');
  if (!panel) return;
  var form = panel.querySelector('form');
  var scriptBox = panel.querySelector('#embed-script');
  var iframeBox = panel.querySelector('#embed-iframe');
  var oembedBox = panel.querySelector('#embed-oembed');
  var preview = panel.querySelector('.embed-panel__preview');
  var status = panel.querySelector('.embed-panel__status');
  var data = panel.dataset;
  var DEFAULT_LIMIT = 50, MAX_LIMIT = 200, SNIPPET_HEIGHT = 600;

  function esc(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&#34;').replace(/'/g, '&#39;');
  }

  // options returns the options that differ from the defaults, in the
  // order the server writes them.
  function options() {
    var f = form.elements, out = [];
    var theme = f.embed_theme.value;
    if (theme === 'light' || theme === 'dark') out.push(['theme', theme]);
    var n = parseInt(f.embed_limit.value, 10);
    if (n > 0) {
      n = Math.min(n, MAX_LIMIT);
      if (n !== DEFAULT_LIMIT) out.push(['limit', String(n)]);
    }
    if (f.embed_order.value === 'newest') out.push(['order', 'newest']);
    if (f.embed_compact.checked) out.push(['compact', '1']);
    if (f.embed_pin && f.embed_pin.checked && data.asof) out.push(['asof', data.asof]);
    return out;
  }

  function update() {
    var opts = options();
    var query = opts.map(function (p) { return p[0] + '=' + encodeURIComponent(p[1]); }).join('&');
    var src = data.base + (query ? (data.base.indexOf('?') < 0 ? '?' : '&') + query : '');
    iframeBox.value = '<iframe src="' + esc(src) + '" title="' + esc(data.title) + '" width="100%" height="' +
      SNIPPET_HEIGHT + '" loading="lazy" style="border:0"></iframe>';
    scriptBox.value = data.scriptOpen + opts.map(function (p) {
      return ' data-' + p[0] + '="' + esc(p[1]) + '"';
    }).join('') + data.scriptClose;
    if (oembedBox) {
      var pin = form.elements.embed_pin;
      var page = data.page;
      if (pin && pin.checked && data.asof) {
        page += (page.indexOf('?') < 0 ? '?' : '&') + 'asof=' + encodeURIComponent(data.asof);
      }
      oembedBox.value = data.oembed + encodeURIComponent(page);
    }
    if (preview.getAttribute('src') !== src) {
      // Chromium may drop a new address given to a lazy frame whose first
      // load is still deferred, and keep showing the old options; once
      // options change the preview is wanted at once.
      preview.loading = 'eager';
      preview.setAttribute('src', src);
    }
  }

  var timer = 0;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(update, 300);
  }
  form.addEventListener('change', update);
  form.addEventListener('input', later);
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    update();
  });

  function say(msg) {
    status.textContent = '';
    setTimeout(function () { status.textContent = msg; }, 50);
  }

  [scriptBox, iframeBox, oembedBox].forEach(function (box) {
    if (!box) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button--quiet embed-panel__copy';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', box === oembedBox ? 'Copy the oEmbed address' :
      'Copy the ' + (box === scriptBox ? 'script' : 'iframe') + ' snippet');
    button.addEventListener('click', function () {
      var done = function () { say('Copied to the clipboard.'); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(done, function () {
          box.select();
          say('Select the snippet and copy it.');
        });
      } else {
        box.select();
        say(document.execCommand('copy') ? 'Copied to the clipboard.' : 'Select the snippet and copy it.');
      }
    });
    box.insertAdjacentElement('afterend', button);
    box.addEventListener('focus', function () { box.select(); });
  });

  // The preview reports its height like any embed; only messages from
  // this origin and from the preview's own window count.
  window.addEventListener('message', function (e) {
    var m = e.data;
    if (e.origin !== location.origin || e.source !== preview.contentWindow) return;
    if (!m || m.sitrep !== 'height' || !(m.height > 0)) return;
    preview.height = String(Math.min(Math.ceil(m.height), 4000));
  });
})();
