/** The inspector's CSS; light and dark follow the system (prefers-color-scheme). */
export const INSPECTOR_CSS = `
:root {
  --bg: #fbfbfa; --fg: #1d1d1f; --muted: #6b6b70; --line: #e2e2e0; --panel: #ffffff; --hover: #f0f0ee;
  --sel: #dde9ff; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --bad-bg: #ffebe9; --accent: #0969da;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --panel: #161b22; --hover: #1f242c;
    --sel: #1f3a5f; --ok: #3fb950; --warn: #d29922; --bad: #f85149; --bad-bg: #3c1618; --accent: #58a6ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--fg); height: 100vh; display: flex; flex-direction: column; }
header { display: flex; gap: 1rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
h1 { font-size: 1.1rem; margin: 0; }
h1 span { color: var(--muted); font-weight: normal; }
form { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
select, button { font: inherit; background: var(--panel); color: var(--fg); border: 1px solid var(--line); border-radius: 4px; padding: .15rem .4rem; }
button { cursor: pointer; }
.live { margin-left: auto; color: var(--muted); font-size: .85rem; }
.live.on::before { content: "●"; color: var(--ok); margin-right: .3rem; }
.live.off { color: var(--bad); }
main { flex: 1; display: grid; grid-template-columns: minmax(30rem, 1fr) minmax(24rem, 1fr); min-height: 0; }
#list-pane { overflow: auto; border-right: 1px solid var(--line); }
#detail { overflow: auto; padding: .5rem 1rem 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { position: sticky; top: 0; background: var(--bg); color: var(--muted); font-weight: normal; font-size: .8rem; }
#list td.path { max-width: 14rem; overflow: hidden; text-overflow: ellipsis; font-family: var(--mono); font-size: .85rem; }
#list tbody tr { cursor: pointer; }
#list tbody tr:hover { background: var(--hover); }
#list tbody tr[aria-selected="true"] { background: var(--sel); }
#list tbody tr.new { animation: arrive 1.2s ease-out; }
@keyframes arrive { from { background: var(--sel); } }
.s2 { color: var(--ok); } .s3 { color: var(--accent); } .s4 { color: var(--warn); } .s5 { color: var(--bad); }
.status { font-weight: 600; font-variant-numeric: tabular-nums; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.hint { color: var(--muted); padding: 0 .5rem; }
h2 { font-size: 1rem; margin: 1rem 0 .4rem; }
h2 .status { margin-left: .5rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-family: var(--mono); font-size: .85rem; overflow-wrap: anywhere; }
.why { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .7rem; background: var(--panel); }
.problem { border-color: var(--bad); background: var(--bad-bg); }
.problem strong { color: var(--bad); }
pre { font-family: var(--mono); font-size: .8rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; overflow: auto; max-height: 24rem; margin: .3rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
details > summary { cursor: pointer; color: var(--muted); }
.track { position: relative; height: 1.6rem; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; margin: .5rem 0 .2rem; }
.tick { position: absolute; top: 3px; bottom: 3px; width: 2px; background: var(--accent); opacity: .75; }
.tick.bad { background: var(--bad); opacity: 1; width: 3px; }
.scale { display: flex; justify-content: space-between; color: var(--muted); font-size: .75rem; }
.events td { font-family: var(--mono); font-size: .8rem; vertical-align: top; }
.events td.data { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 34rem; }
.events tr.gap td.gapms { color: var(--warn); font-weight: 600; }
.events tr.bad td { color: var(--bad); background: var(--bad-bg); }
.truncated { color: var(--warn); font-size: .8rem; }
`;
