// sitrep: the map drawn with MapLibre GL on the deployment's own tiles.
//
// The page already holds the map drawn on the server (an SVG of links)
// and the table of its places. Only where WebGL works does this script
// load MapLibre (a module, with its worker from this site: no blob:
// workers, no eval, no inline styles but the positions and sizes set
// through the DOM), and only once the new map has loaded does it hide
// the SVG; on any failure the SVG stays. Every request goes to this site:
// the style, the tiles under /tiles/, the places from /map.json.
(function (d) {
  "use strict";

  var live = [];

  function webgl() {
    try {
      var c = d.createElement("canvas");
      return !!(window.WebGL2RenderingContext && c.getContext("webgl2"));
    } catch (e) {
      return false;
    }
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  function stylesheet(href) {
    return new Promise(function (done, fail) {
      if (d.querySelector('link[rel="stylesheet"][href="' + href + '"]')) return done();
      var l = d.createElement("link");
      l.rel = "stylesheet";
      l.href = href;
      l.onload = done;
      l.onerror = fail;
      d.head.appendChild(l);
    });
  }

  function dark() {
    var t = d.documentElement.getAttribute("data-theme");
    if (t === "dark") return true;
    if (t === "light") return false;
    return !!(window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches);
  }

  // A style's own addresses are paths on this site ("/tiles/{z}/{x}/{y}");
  // MapLibre's worker wants them whole. The braces must stay as they are,
  // so no URL object here.
  function whole(u) {
    return typeof u === "string" && u.charAt(0) === "/" && u.charAt(1) !== "/" ? location.origin + u : u;
  }

  function ownAddresses(style) {
    Object.keys(style.sources || {}).forEach(function (k) {
      var s = style.sources[k];
      if (s.url) s.url = whole(s.url);
      if (s.tiles) s.tiles = s.tiles.map(whole);
    });
    if (style.glyphs) style.glyphs = whole(style.glyphs);
    if (typeof style.sprite === "string") style.sprite = whole(style.sprite);
    return style;
  }

  // The count on a mark and in its name, as the server writes them.
  function count(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  function events(n) {
    return n === 1 ? "1 event" : count(n) + " events";
  }
  function short(n) {
    if (n < 1000) return String(n);
    if (n < 10000) return (n / 1000).toFixed(1) + "k";
    if (n < 1000000) return Math.floor(n / 1000) + "k";
    return (n / 1e6).toFixed(1) + "M";
  }

  // listOf is the list of the events at the given places with the other
  // filters, as the SVG map links it: the parameters in the server's order.
  function listOf(list, slugs) {
    var u = new URL(list, location.origin);
    u.searchParams.delete("place");
    slugs.forEach(function (s) { u.searchParams.append("place", s); });
    u.searchParams.sort();
    return u.pathname + u.search;
  }

  // The most places a cluster may hold and still link to their events:
  // the list's filter takes up to ten places (map.go).
  var clusterLinkPlaces = 10;

  // The most marks a map may draw and still write their places' names
  // beside them (map.go's mapNamedMarks).
  var namedMarks = 12;

  function start(el) {
    if (el.hasAttribute("data-started")) return;
    el.setAttribute("data-started", "");
    if (!webgl() || !window.fetch || !window.Promise) return;
    var figure = el.closest(".map");
    if (!figure) return;
    var ds = el.dataset;
    var styleURL = ds.style + (ds.style.indexOf("?") < 0 ? "?" : "&") + "theme=" + (dark() ? "dark" : "light");
    Promise.all([
      import(ds.library),
      getJSON(styleURL),
      getJSON(ds.places),
      stylesheet(ds.css),
      stylesheet(ds.stylesheet)
    ]).then(function (got) {
      draw(el, figure, got[0], ownAddresses(got[1]), got[2]);
    }).catch(function (err) {
      el.setAttribute("data-failed", "");
      // The SVG map is still there; say why in the console only.
      if (window.console) console.warn("map: keeping the built-in map:", err);
    });
  }

  function draw(el, figure, gl, style, places) {
    gl.setWorkerUrl(el.dataset.worker);
    var newTab = el.hasAttribute("data-new-tab");
    var features = places.features || [];
    // Shown now, so it has a size to fit the places into; the SVG steps
    // aside once the new map has loaded.
    el.hidden = false;
    var opts = {
      container: el,
      style: style,
      attributionControl: { compact: true },
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false
    };
    if (features.length) {
      var b = [180, 90, -180, -90];
      features.forEach(function (f) {
        var c = f.geometry.coordinates;
        b = [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])];
      });
      // As the SVG map fits them, into the middle half of the view, so
      // the places are seen among their neighbours.
      var w = el.clientWidth || 600, h = el.clientHeight || 400;
      opts.bounds = b;
      opts.fitBoundsOptions = { padding: { top: h / 4, bottom: h / 4, left: w / 4, right: w / 4 }, maxZoom: 8 };
    }
    var map;
    try {
      map = new gl.Map(opts);
    } catch (err) {
      el.hidden = true;
      el.setAttribute("data-failed", "");
      if (window.console) console.warn("map: keeping the built-in map:", err);
      return;
    }
    var loaded = false;
    map.on("error", function (e) {
      // A missing tile is open sea, not a failure.
      if (loaded || e.tile || e.sourceId) return;
      // Before the map is drawn, a failure gives the SVG back.
      if (window.console) console.warn("map: keeping the built-in map:", e && e.error);
      live = live.filter(function (m) { return m !== map; });
      map.remove();
      el.hidden = true;
      el.setAttribute("data-failed", "");
    });
    var canvas = map.getCanvas();
    canvas.setAttribute("aria-label", el.dataset.label);
    map.addControl(new gl.NavigationControl({ showCompass: false }), "top-right");
    map.keyboard.enable();
    map.on("load", function () {
      loaded = true;
      // map-gl.css hides the SVG, its zoom and pan links and its
      // basemap's credit (an SVG element has no hidden property).
      figure.classList.add("map--gl");
      map.addSource("places", {
        type: "geojson",
        data: places,
        cluster: true,
        clusterRadius: 44,
        clusterMaxZoom: 14,
        clusterProperties: { n: ["+", ["get", "n"]], approx: ["any", ["get", "approx"]] }
      });
      // An invisible layer, so that the source is clustered for the
      // view and the marks below can be read from it.
      map.addLayer({ id: "places", type: "circle", source: "places", paint: { "circle-radius": 1, "circle-opacity": 0, "circle-stroke-opacity": 0 } });
      marks(map, gl, places.list || "/events", newTab);
    });
    live.push(map);
  }

  // marks keeps one HTML mark over each cluster and place in view: a
  // link that a keyboard reaches, named by its places and count, drawn
  // without fonts from any other host.
  function marks(map, gl, list, newTab) {
    var shown = {};
    var source = map.getSource("places");

    function name(el, text) {
      el.setAttribute("aria-label", text);
      el.title = text;
    }

    function mark(f) {
      var p = f.properties;
      var cluster = !!p.cluster;
      var n = p.n;
      var a;
      if (cluster && p.point_count > clusterLinkPlaces) {
        // Too many places for one list: the mark zooms in to part them.
        a = d.createElement("button");
        a.type = "button";
        a.addEventListener("click", function () {
          source.getClusterExpansionZoom(p.cluster_id).then(function (z) {
            map.easeTo({ center: f.geometry.coordinates, zoom: z });
          });
        });
        name(a, count(p.point_count) + " places: " + events(n) + ", zoom in to see them");
        source.getClusterLeaves(p.cluster_id, 1, 0).then(function (l) {
          if (l.length) name(a, l[0].properties.name + " and " + count(p.point_count - 1) + " other places: " + events(n) + ", zoom in to see them");
        });
      } else {
        a = d.createElement("a");
        if (newTab) {
          a.target = "_blank";
          a.rel = "noopener";
        }
        if (cluster) {
          name(a, count(p.point_count) + " places: " + events(n));
          a.href = list;
          source.getClusterLeaves(p.cluster_id, clusterLinkPlaces, 0).then(function (l) {
            if (!l.length) return;
            a.href = listOf(list, l.map(function (x) { return x.properties.slug; }));
            var first = l[0].properties.name;
            name(a, (l.length === 2 ? first + " and " + l[1].properties.name : first + " and " + count(l.length - 1) + " other places") + ": " + events(n));
          });
        } else {
          a.href = p.href;
          name(a, p.name + ": " + events(n) + (p.approx ? " (no position of its own: shown at " + p.at + ")" : ""));
        }
      }
      a.className = "map-gl__mark" + (p.approx ? " map-gl__mark--approx" : "");
      // The pin holds the mark and, beside it, the place's name: outside
      // the link, whose name must contain all its visible text.
      var pin = d.createElement("div");
      pin.className = "map-gl__pin";
      pin.appendChild(a);
      pin.setAttribute("data-n", n);
      if (!cluster) pin.setAttribute("data-name", p.name);
      return new gl.Marker({ element: pin }).setLngLat(f.geometry.coordinates).addTo(map);
    }

    function update() {
      if (!map.isSourceLoaded("places")) return;
      var now = {};
      // The features drawn now, not those of tiles kept from the last
      // zoom level while the new ones load, which would put a cluster
      // and its parts on the map at once.
      map.queryRenderedFeatures({ layers: ["places"] }).forEach(function (f) {
        var p = f.properties;
        var key = p.cluster ? "c" + p.cluster_id : "p" + p.slug;
        if (now[key]) return;
        now[key] = shown[key] || mark(f);
      });
      Object.keys(shown).forEach(function (k) {
        if (!now[k]) shown[k].remove();
      });
      shown = now;
      // Sized as the SVG sizes them: by their share of the largest in
      // view, so the largest is always as large.
      var most = 1;
      var keys = Object.keys(shown);
      keys.forEach(function (k) {
        most = Math.max(most, +shown[k].getElement().getAttribute("data-n"));
      });
      keys.forEach(function (k) {
        var pin = shown[k].getElement(), a = pin.firstChild;
        var r = 6 + 14 * Math.sqrt(+pin.getAttribute("data-n") / most);
        var px = Math.round(2 * r) + "px";
        a.style.width = px;
        a.style.height = px;
        // A count too wide for its mark is left to its name.
        var label = short(+pin.getAttribute("data-n"));
        a.textContent = label.length * 6.6 > 2 * r - 4 ? "" : label;
        // With few marks, each place's name is written beside it, as on
        // the SVG map; the link's own name already says it.
        var written = pin.querySelector(".map-gl__name");
        var name = keys.length <= namedMarks && pin.getAttribute("data-name");
        if (name && !written) {
          written = pin.appendChild(d.createElement("span"));
          written.className = "map-gl__name";
          written.setAttribute("aria-hidden", "true");
          written.textContent = name;
        } else if (!name && written) {
          written.remove();
        }
      });
    }

    map.on("data", function (e) {
      if (e.sourceId === "places" && e.isSourceLoaded) update();
    });
    map.on("moveend", update);
    update();
  }

  function scan(root) {
    // Maps whose page part htmx swapped out give back their WebGL context.
    live = live.filter(function (m) {
      if (m.getContainer().isConnected) return true;
      m.remove();
      return false;
    });
    (root.querySelectorAll ? root : d).querySelectorAll("[data-map-gl]").forEach(start);
  }

  scan(d);
  d.addEventListener("htmx:load", function (e) { scan(e.target); });
})(document);
