/**
 * The page's only stylesheet, inlined: light and dark through prefers-color-scheme, fluid to a phone's width
 * (no text under 12 px at 375 px; long unbroken names wrap instead of widening the page).
 */
export const STYLE = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--border:#d1d9e0;--up:#1a7f37;--slow:#7d4e00;--degraded:#9a3e00;--down:#cf222e;--maintenance:#0860ca;--unknown:#59636e;--link:#0860ca;--bar-up:#2da44e;--bar-partial:#d4a72c;--bar-down:#cf222e;--bar-none:#d1d9e0}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#151b23;--border:#3d444d;--up:#3fb950;--slow:#d29922;--degraded:#f0883e;--down:#ff7b72;--maintenance:#58a6ff;--unknown:#9198a1;--link:#58a6ff;--bar-up:#3fb950;--bar-partial:#d29922;--bar-down:#f85149;--bar-none:#3d444d}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
a{color:var(--link)}
.skip{position:absolute;left:-100vw}.skip:focus{position:static;display:block;padding:.5rem 1rem}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.75rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:1.5rem 0 .75rem}
h3{font-size:1.1rem;margin:0;min-width:0}
.overall{font-size:1.15rem;font-weight:600;padding:.75rem 1rem;border-radius:.5rem;border:2px solid currentColor}
.muted{color:var(--muted)}
.services{list-style:none;padding:0;margin:0;display:grid;gap:1rem}
.service{background:var(--card);border:1px solid var(--border);border-radius:.5rem;padding:1rem;min-width:0}
.service-head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem 1rem;align-items:baseline}
.service-head>*{min-width:0}
.status{font-weight:600;margin:0}
.status::before{content:"";display:inline-block;width:.7em;height:.7em;border-radius:50%;background:currentColor;margin-right:.4em}
.s-up{color:var(--up)}.s-slow{color:var(--slow)}.s-degraded{color:var(--degraded)}.s-down{color:var(--down)}.s-maintenance{color:var(--maintenance)}.s-unknown{color:var(--unknown)}
.bars{position:relative;margin:.75rem 0 .25rem}
.days{list-style:none;margin:0;padding:0;display:flex;gap:1px;height:2.25rem}
.day{flex:1 1 0;min-width:0;border-radius:1px;background:var(--bar-none)}
.day:hover,.day:focus{outline:2px solid var(--fg);outline-offset:1px}
.d-up{background:var(--bar-up)}.d-partial{background:var(--bar-partial)}.d-down{background:var(--bar-down)}
.tip{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap;font-size:.85rem}
.day:hover .tip,.day:focus .tip{clip-path:none;width:auto;height:auto;white-space:normal;left:0;right:0;top:2.5rem;z-index:1;padding:.25rem .5rem;background:var(--bg);color:var(--fg);border:1px solid var(--border);border-radius:.25rem}
.bars-legend{display:flex;justify-content:space-between;gap:.5rem;margin:.25rem 0 0;font-size:.8rem}
dl.uptime{display:grid;grid-template-columns:repeat(auto-fit,minmax(8rem,1fr));gap:.5rem;margin:.75rem 0}
dl.uptime div{border:1px solid var(--border);border-radius:.4rem;padding:.4rem .6rem}
dt{font-size:.85rem;color:var(--muted)}dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
dd.watched{font-weight:400;font-size:.8rem}
figure{margin:0}figcaption{font-size:.85rem;color:var(--muted)}
.chart-wrap{display:grid;grid-template-columns:auto 1fr;grid-template-areas:"y plot" ". x";gap:0 .5rem;max-width:36rem;margin-top:.25rem}
.chart-y{grid-area:y;display:flex;flex-direction:column;justify-content:space-between;text-align:right;font-size:.8rem}
.chart{grid-area:plot;width:100%;height:auto;display:block}
.chart-x{grid-area:x;display:flex;justify-content:space-between;font-size:.8rem}
.chart-empty{font-size:.85rem;margin:.25rem 0}
.grid{stroke:var(--border);stroke-width:1}
.p50{fill:none;stroke:var(--link);stroke-width:2}
.p95{fill:none;stroke:var(--muted);stroke-width:1.5;stroke-dasharray:4 3}
circle.p50{fill:var(--link);stroke:none}circle.p95{fill:none;stroke-dasharray:none}
.legend-p50{color:var(--link)}.legend-p95{color:var(--muted)}
.incidents{list-style:none;padding-left:0}.incidents>li{margin:.6rem 0}
.done{margin:.15rem 0 0;padding-left:1.25rem;font-size:.9rem}
p.done{padding:0}
footer{color:var(--muted);font-size:.9rem}
`;
