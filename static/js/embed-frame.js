/* sitrep embed: tell the framing page how tall this document is, on load and whenever it changes. */
(function(w,d){var p=w.parent;if(p===w)return;
function s(){p.postMessage({sitrep:'height',height:Math.ceil(d.documentElement.getBoundingClientRect().height)},'*')}
if(w.ResizeObserver)new ResizeObserver(s).observe(d.documentElement);
w.addEventListener('load',s);w.addEventListener('resize',s);s()})(window,document);
