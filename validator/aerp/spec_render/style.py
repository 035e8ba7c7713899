"""The style sheet of the spec page: inline in its `<style>`, since the page loads nothing.

Screen and print are both served: the page is read in a browser and archived or printed as
the reviewer's copy, so the print rules keep requirements, rows and formulas whole.
"""

STYLE = """
:root {
  color-scheme: light;
  --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --zebra: #f6f8fa; --head: #eef1f4;
  --accent: #0b5cad; --soft: #f3f6fa;
  --must: #a40e26; --must-bg: #fff5f5; --should: #9a6700; --should-bg: #fffbeb; --may: #116329; --may-bg: #f3fbf5;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; max-width: 1040px; padding: 2rem 1.5rem 4rem;
  font-family: Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif;
  font-size: 16px; line-height: 1.55; color: var(--ink); background: #fff;
}
h1, h2, h3, h4, nav, aside, table, .req-head, .status, dl.meta, footer {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
h1 { font-size: 2.1rem; line-height: 1.2; margin: 0 0 .6rem; }
h2 { font-size: 1.45rem; margin: 2.75rem 0 .75rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
h2, h3, h4 { scroll-margin-top: 1rem; }
p { margin: .55rem 0; }
a { color: var(--accent); text-decoration-thickness: 1px; text-underline-offset: 2px; }
a.xref, a.cite { text-decoration: none; }
a.xref:hover, a.cite:hover { text-decoration: underline; }
a.url { overflow-wrap: anywhere; }
a.self { margin-left: .4rem; color: var(--line); text-decoration: none; font-weight: 400; visibility: hidden; }
h2:hover a.self, h3:hover a.self, h4:hover a.self, a.self:focus { visibility: visible; }
code, pre {
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: .84em;
}
code { background: #f0f2f4; padding: .05em .2em; border-radius: 3px; }
pre { background: var(--zebra); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem;
  overflow-x: auto; line-height: 1.45; }
pre code { background: none; padding: 0; font-size: 1em; }
pre.formula { background: #fff; border-style: dashed; font-size: .95em; }
ul, ol { padding-left: 1.6rem; margin: .5rem 0; }
li { margin: .25rem 0; }
li > ul, li > ol { margin: .2rem 0; }
blockquote { margin: .75rem 0; padding: .1rem 1rem; border-left: 3px solid var(--line); color: var(--muted); }
hr { border: 0; border-top: 1px solid var(--line); margin: 1.5rem 0; }
header.title { border-bottom: 3px solid var(--ink); padding-bottom: 1rem; margin-bottom: 1.5rem; }
.status { font-size: 1.05rem; font-weight: 600; color: var(--must); margin: 0 0 .5rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0 0;
  font-size: .9rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.source-note { color: var(--muted); font-size: .9rem; margin-top: .6rem; }
aside.glance { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px;
  background: var(--soft); padding: .6rem 1.25rem .7rem; margin: 1.25rem 0; }
aside.glance h2 { font-size: 1rem; margin: 0 0 .3rem; border: 0; padding: 0; }
aside.glance ul { list-style: none; padding: 0; margin: 0; display: grid;
  grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .35rem 2rem; }
aside.glance li { margin: 0; font-size: .92rem; }
aside.glance li a.main { font-weight: 600; }
aside.glance .muted { color: var(--muted); }
nav.toc { border: 1px solid var(--line); border-radius: 6px; padding: .6rem 1.25rem .8rem; margin: 1.25rem 0 2rem; }
nav.toc h2 { font-size: 1rem; margin: 0 0 .4rem; border: 0; padding: 0; }
nav.toc > ol { list-style: none; padding: 0; margin: 0; columns: 2; column-gap: 2.5rem; font-size: .9rem; }
nav.toc > ol > li { break-inside: avoid; margin: 0 0 .45rem; }
nav.toc > ol > li > a { font-weight: 600; }
nav.toc ol ol { list-style: none; padding-left: 1.1rem; margin: .1rem 0 0; }
nav.toc ol ol li { margin: 0; }
nav.toc a { text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.front { margin-bottom: 1rem; }
.table-wrap { overflow-x: auto; margin: .75rem 0 1.1rem; }
table { border-collapse: collapse; width: auto; min-width: 60%; max-width: 100%; font-size: .84rem;
  line-height: 1.45; }
table code { font-size: .92em; }
table.trace { width: 100%; }
caption { caption-side: top; text-align: left; padding: 0 0 .45rem; font-weight: 600; color: var(--ink); }
caption .number { color: var(--muted); }
th, td { padding: .35rem .5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--head); border-bottom: 2px solid var(--line); vertical-align: bottom; }
tbody tr:nth-child(even) { background: var(--zebra); }
td code { overflow-wrap: break-word; }
a.xref, a.cite, td.tag { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.center, th.center { text-align: center; }
tr:target { background: #fff8c5; }
.req { margin: 1rem 0; padding: .55rem .9rem .6rem; border: 1px solid var(--line); border-left: 5px solid var(--may);
  border-radius: 6px; background: var(--may-bg); }
.req.must { border-left-color: var(--must); background: var(--must-bg); }
.req.should { border-left-color: var(--should); background: var(--should-bg); }
.req:target { outline: 2px solid var(--accent); outline-offset: 2px; }
.req-head { display: flex; align-items: baseline; gap: .6rem; font-size: .85rem; margin-bottom: .15rem; }
.req-id { font-weight: 700; color: var(--ink); text-decoration: none; font-family: ui-monospace, SFMono-Regular,
  Menlo, Consolas, monospace; }
.req-id:hover { text-decoration: underline; }
.level { font-size: .72rem; font-weight: 700; letter-spacing: .04em; padding: .05rem .45rem; border-radius: 999px;
  border: 1px solid currentColor; color: var(--may); white-space: nowrap; }
.must .level { color: var(--must); }
.should .level { color: var(--should); }
.req-head .trace { margin-left: auto; font-size: .78rem; color: var(--muted); }
.req-text { margin: .2rem 0 0; }
strong.kw { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: .88em;
  letter-spacing: .03em; color: var(--must); }
.should strong.kw { color: var(--should); }
.may strong.kw { color: var(--may); }
.review { margin: .5rem 0 .1rem; padding: .4rem .7rem; border-radius: 4px; background: rgba(255, 255, 255, .75);
  border: 1px dashed var(--line); color: var(--muted); font-size: .9rem; }
.review .label { font-weight: 600; font-style: italic; }
table.trace td:first-child, td.tag, .nowrap { white-space: nowrap; }
td.level-cell { white-space: nowrap; font-size: .76rem; font-weight: 700; letter-spacing: .03em; color: var(--may); }
td.level-cell.must { color: var(--must); }
td.level-cell.should { color: var(--should); }
table.trace td.zero { color: var(--muted); }
table.trace td.review-reason { color: var(--muted); min-width: 16rem; }
.none { color: var(--muted); }
.intro { color: var(--muted); }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--line); color: var(--muted);
  font-size: .85rem; }
@media screen and (max-width: 720px) {
  nav.toc > ol { columns: 1; }
  aside.glance ul { grid-template-columns: 1fr; }
  body { padding: 1rem .8rem 3rem; }
}
@page { margin: 18mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  a.self { display: none; }
  a.ext::after { content: " <" attr(href) ">"; font-size: .85em; overflow-wrap: anywhere; }
  h1, h2, h3, h4, caption { break-after: avoid; page-break-after: avoid; }
  .req, tr, pre, aside.glance, nav.toc > ol > li { break-inside: avoid; page-break-inside: avoid; }
  nav.toc { break-after: page; page-break-after: always; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  td code { overflow-wrap: anywhere; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; overflow: visible; }
  .req-head .trace { display: none; }
  section.appendix { break-before: page; page-break-before: always; }
}
"""
