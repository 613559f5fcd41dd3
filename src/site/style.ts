/** The page's only stylesheet, inlined: light and dark through prefers-color-scheme, fluid to a phone's width. */
export const STYLE = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--border:#d1d9e0;--up:#1a7f37;--slow:#7d4e00;--degraded:#9a3e00;--down:#cf222e;--maintenance:#0860ca;--unknown:#59636e;--link:#0860ca}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#151b23;--border:#3d444d;--up:#3fb950;--slow:#d29922;--degraded:#f0883e;--down:#ff7b72;--maintenance:#58a6ff;--unknown:#9198a1;--link:#58a6ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.75rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:1.5rem 0 .75rem}
h3{font-size:1.1rem;margin:0}
.overall{font-size:1.15rem;font-weight:600;padding:.75rem 1rem;border-radius:.5rem;border:2px solid currentColor}
.muted,.axis text{color:var(--muted);fill:var(--muted)}
.services{list-style:none;padding:0;margin:0;display:grid;gap:1rem}
.service{background:var(--card);border:1px solid var(--border);border-radius:.5rem;padding:1rem;min-width:0}
.service-head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;align-items:baseline}
.status{font-weight:600;margin:0}
.status::before{content:"";display:inline-block;width:.7em;height:.7em;border-radius:50%;background:currentColor;margin-right:.4em}
.s-up{color:var(--up)}.s-slow{color:var(--slow)}.s-degraded{color:var(--degraded)}.s-down{color:var(--down)}.s-maintenance{color:var(--maintenance)}.s-unknown{color:var(--unknown)}
dl.uptime{display:grid;grid-template-columns:repeat(auto-fit,minmax(7rem,1fr));gap:.5rem;margin:.75rem 0}
dl.uptime div{border:1px solid var(--border);border-radius:.4rem;padding:.4rem .6rem}
dt{font-size:.85rem;color:var(--muted)}dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
figure{margin:0}figcaption{font-size:.85rem;color:var(--muted)}
.chart{width:100%;height:auto;display:block}
.chart text{font-size:12px}
.grid{stroke:var(--border);stroke-width:1}
.p50{fill:none;stroke:var(--link);stroke-width:2}
.p95{fill:none;stroke:var(--muted);stroke-width:1.5;stroke-dasharray:4 3}
.legend-p50{color:var(--link)}.legend-p95{color:var(--muted)}
.incidents{padding-left:1.25rem}.incidents li{margin:.4rem 0}
footer{color:var(--muted);font-size:.9rem}
`;
