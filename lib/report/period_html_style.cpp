// The HTML period report's only stylesheet, inline in the page: for the screen, and for print
// (A4, nothing that needs backgrounds printed, rows never split, each criterion with checks
// starting on a new page, the collapsed exception lists open).
#include "report/period_html.hpp"

namespace kubeproof::report::html {

const std::string_view k_stylesheet = R"css(
:root{--red:#b71c1c;--amber:#d99100;--green:#2e7d32;--grey:#5f6368;color-scheme:light}
*{box-sizing:border-box}
body{font:14px/1.45 "DejaVu Sans",system-ui,sans-serif;color:#1b1b1b;background:#fff;max-width:1260px;margin:0 auto;padding:18px 26px}
h1{font-size:23px;margin:0 0 4px}
h2{font-size:18px;margin:30px 0 8px;padding-bottom:3px;border-bottom:2px solid #ccc}
h3{font-size:16px;margin:0 0 4px}
p{margin:4px 0}
.meta{color:#444}
.mono{font-family:"DejaVu Sans Mono",monospace;font-size:12px;overflow-wrap:anywhere}
.trail{border:3px solid var(--green);padding:8px 14px;margin:16px 0}
.trail h2{margin:0;padding:0;border:0;color:var(--green)}
.trail.broken{border:5px solid var(--red)}
.trail.broken h2{color:var(--red);font-size:21px}
.trail ul{margin:6px 0 2px;padding-left:22px}
.trail li{margin:2px 0}
.counts{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}
.count{flex:1 1 250px;border:2px solid #999;border-left-width:12px;padding:8px 14px}
.count .n{display:block;font-size:44px;font-weight:700;line-height:1.05}
.count .what{font-size:16px;font-weight:700}
.count .ids{font-size:12.5px;margin-top:4px}
.count.passing{border-color:var(--green)}.count.passing .n{color:var(--green)}
.count.exceptions{border-color:var(--amber)}.count.exceptions .n{color:#8a5a00}
.count.never{border-color:var(--grey)}.count.never .n{color:var(--grey)}
.figures{display:flex;flex-wrap:wrap;gap:6px 28px;margin:8px 0;padding:0;list-style:none}
.figures li{font-size:14px}.figures b{font-size:19px}
.figures .bad b{color:var(--red)}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:12.5px}
th,td{border:1px solid #c8c8c8;padding:3px 6px;text-align:left;vertical-align:top}
th{font-weight:700;border-bottom:2px solid #888}
tr.check th{border-top:2px solid #888;padding-top:5px;font-weight:700}
td.time{font-family:"DejaVu Sans Mono",monospace;font-size:12px;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}
.verdict{font-weight:700;white-space:nowrap;border:2px solid;padding:0 6px}
.verdict.passing{color:var(--green)}.verdict.exceptions{color:#8a5a00}.verdict.never{color:var(--grey)}
.criterion{margin:26px 0 0;padding-top:6px;border-top:1px solid #aaa}
.criterion:not(.checked){margin-top:12px;padding-top:4px}
.criterion:not(.checked) h3{font-size:15px;margin:0}
.criterion:not(.checked) ul.reasons{margin:0}
.criterion h3 .id{font-family:"DejaVu Sans Mono",monospace}
.criterion ul.reasons{margin:4px 0;padding-left:22px}
.chart{margin:8px 0 6px;max-width:940px}
.chart svg{display:block;width:100%;height:auto}
.chart .uncovered{fill:var(--red)}.chart .covered{fill:var(--amber)}
.chart .missed{fill:#8d8d8d;fill-opacity:.4}
.chart .hit{fill:transparent}.chart g.bar:hover .hit{fill:rgba(0,0,0,.06)}
.chart text{font:11px "DejaVu Sans",sans-serif;fill:#333}
.chart text.x,.chart text.empty{text-anchor:middle}.chart text.empty{fill:#555}
.chart text.y,.chart text.last{text-anchor:end}.chart text.first{text-anchor:start}
.chart .axis,.chart .tick{stroke:#333}.chart .grid{stroke:#aaa;stroke-dasharray:3 3}
figcaption{font-size:12.5px;color:#333}
.swatch{font-size:15px}.swatch.uncovered{color:var(--red)}.swatch.covered{color:var(--amber)}.swatch.missed{color:#8d8d8d}
details{margin:3px 0}
summary{cursor:pointer}
.none{color:#555;font-style:italic}
@page{size:A4;margin:12mm 10mm}
@page wide{size:A4 landscape;margin:10mm 10mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:9pt}
h1{font-size:15pt}h2{font-size:12.5pt;break-after:avoid}h3{font-size:11pt;break-after:avoid}
.count .n{font-size:26pt}
table{font-size:7pt}
th,td{padding:1px 3px}
.mono{font-size:6.5pt;overflow-wrap:anywhere}
#criteria,#exceptions,#sample{page:wide}
thead{display:table-header-group}
tr,li,figure,.count,.trail{break-inside:avoid}
tr.check{break-after:avoid}
td.time{font-size:6.5pt}
.criterion.checked{break-before:page}
.criterion>header,.chart{break-inside:avoid}
.chart{max-width:190mm}
summary{list-style:none;font-weight:700}
summary::-webkit-details-marker{display:none}
a{color:inherit;text-decoration:none}
}
@media print{details::details-content{content-visibility:visible;display:block}}
)css";

}  // namespace kubeproof::report::html
