/*! sitrep embed loader: <div data-sitrep-timeline="slug" data-theme="dark" data-limit="20"></div>, data-sitrep-estimates="force=ISIS&place=Mosul" or data-sitrep-event="id" become iframes that fit their content. */
(function(d,w){var s=d.currentScript,o,F=[],P={timeline:'/embed/timelines/',estimates:'/embed/estimates',event:'/embed/events/'},T={timeline:'Timeline',estimates:'Force-size estimates',event:'Event'};
try{o=new URL(s.src).origin}catch(e){return}
function mk(el,k){if(el.sitrep)return;el.sitrep=1;var v=el.getAttribute('data-sitrep-'+k)||'',q=new URLSearchParams(k=='estimates'?v:''),a=el.attributes,i,n,f=d.createElement('iframe');
for(i=0;i<a.length;i++){n=a[i].name;if(n.slice(0,5)=='data-'&&n.slice(5,12)!='sitrep-'&&n!='data-title')q.append(n.slice(5),a[i].value)}
n=q.toString();f.title=el.getAttribute('data-title')||T[k]+' from sitrep';f.loading='lazy';f.width='100%';f.height=400;
f.style.border='0';f.style.width='100%';f.style.display='block';
f.src=o+P[k]+(k=='estimates'?'':encodeURIComponent(v))+(n?'?'+n:'');el.textContent='';el.appendChild(f);F.push(f)}
function go(){for(var k in P)d.querySelectorAll('[data-sitrep-'+k+']').forEach(function(el){mk(el,k)})}
w.addEventListener('message',function(e){var m=e.data,i;if(e.origin!==o||!m||m.sitrep!=='height'||!(m.height>0))return;
for(i=0;i<F.length;i++)if(F[i].contentWindow===e.source)F[i].height=Math.min(Math.ceil(m.height),1e5)});
go();if(d.readyState=='loading')d.addEventListener('DOMContentLoaded',go)})(document,window);
