import { esc } from './escape.js';
import { GRID_SENTINEL, TEXT_SENTINEL } from './svg-chart.js';

/**
 * The shell of every HTML page: one self-contained file (inline CSS, inline SVG, system fonts,
 * no script, no external reference), so it opens offline from an e-mail attachment. Light and dark
 * themes follow `prefers-color-scheme`; print drops the backgrounds and opens nothing.
 */
export function htmlPage(title: string, body: string, generator: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(generator)}">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Charts paint text and grid in sentinel colours (svg-chart.ts); these rules repaint them per theme. */
const PAGE_CSS = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#57606a;--grid:#d8dee4;--rule:#d0d7de;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--zebra:#f6f8fa}
@media (prefers-color-scheme: dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--grid:#30363d;--rule:#30363d;--ok:#3fb950;--bad:#f85149;--warn:#d29922;--zebra:#161b22}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:0 0 4px}
h2{font-size:1.15rem;margin:28px 0 8px;padding-top:8px;border-top:1px solid var(--rule)}
p{margin:6px 0}
.muted{color:var(--muted)}
.ok{color:var(--ok);font-weight:600}
.bad{color:var(--bad);font-weight:600}
.warn{color:var(--warn)}
table{border-collapse:collapse;margin:6px 0;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
td.num,th.num{text-align:right}
tbody tr:nth-child(even){background:var(--zebra)}
.scroll{overflow-x:auto;max-width:100%}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
figure{margin:12px 0}
figure svg{display:block;max-width:100%;height:auto}
figure svg text{fill:var(--muted)}
figure svg [stroke="${GRID_SENTINEL}"]{stroke:var(--grid)}
figure svg [stroke="${TEXT_SENTINEL}"]{stroke:var(--muted)}
figcaption{color:var(--muted);font-size:.9rem}
details{margin:4px 0 12px}
summary{cursor:pointer;color:var(--muted)}
td.heat{text-align:center;min-width:5em}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--zebra:#fff}main{max-width:none;padding:0}h2{break-after:avoid}figure,table{break-inside:avoid}summary{display:none}details>*{display:block}}
`;
