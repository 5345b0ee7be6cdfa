// The admin page's style sheet, served as /static/admin.css (a file of its own, so the CSP can forbid
// inline styles). Plain CSS, no build step; readable on a phone, visible keyboard focus, dark mode.
export const ADMIN_CSS = `
:root { --fg: #1d232b; --bg: #f6f7f9; --card: #fff; --muted: #5b6673; --line: #d6dbe1; --accent: #0b5cad; --danger: #b3261e; --ok: #1b6e34; --warn: #8a5a00; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ed; --bg: #14181d; --card: #1d232b; --muted: #a3adb8; --line: #36404b; --accent: #7ab8ff; --danger: #ff8a80; --ok: #7ddc95; --warn: #ffc766; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: var(--card); padding: .5rem; z-index: 1; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .75rem 1rem; background: var(--card); border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; font-size: 1.2rem; }
nav { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; flex: 1; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; flex: 1; }
nav a { text-decoration: none; padding: .25rem 0; border-bottom: 2px solid transparent; }
nav a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: 600; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; } h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
section, form.settings, form.login { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0 0 1rem; }
section form.settings { border: 0; padding: 0; margin: 0; }
form.login { max-width: 24rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: .75rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
details { margin: 0 0 1rem; } summary { cursor: pointer; font-weight: 600; padding: .25rem 0; }
.field { margin: 0 0 .9rem; }
.field label { display: block; font-weight: 600; }
.field.check label { display: inline; }
input[type=text], input[type=number], input[type=password], input:not([type]), select, textarea { width: 100%; max-width: 32rem; font: inherit; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
textarea { max-width: 100%; font-family: ui-monospace, monospace; font-size: .85rem; }
input[type=checkbox] { width: 1.1rem; height: 1.1rem; vertical-align: middle; }
.help { margin: .2rem 0 0; color: var(--muted); font-size: .9rem; }
.default { white-space: nowrap; }
.invalid input, .invalid select, .invalid textarea { border-color: var(--danger); border-width: 2px; }
.error { color: var(--danger); font-weight: 600; margin: .2rem 0 0; }
.form-errors { border: 2px solid var(--danger); border-radius: 6px; padding: .5rem 1rem; margin: 0 0 1rem; color: var(--danger); }
.notice { padding: .6rem 1rem; border-radius: 6px; border: 1px solid; }
.notice.ok { color: var(--ok); } .notice.error { color: var(--danger); }
.once { border: 2px solid var(--ok); border-radius: 8px; padding: .5rem 1rem; margin: 0 0 1rem; background: var(--card); }
.password, .fingerprint { font-size: 1rem; word-break: break-all; user-select: all; }
button { font: inherit; padding: .45rem 1rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: var(--card); cursor: pointer; }
button.danger { border-color: var(--danger); background: var(--danger); }
.logout button { background: transparent; color: var(--accent); }
.table-wrap { overflow-x: auto; position: relative; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: var(--muted); padding: .25rem 0; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td form { display: inline; }
progress { width: 6rem; vertical-align: middle; }
dl.facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .3rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; word-break: break-word; }
ul.findings { padding-left: 1.2rem; } .findings .error { font-weight: 400; } .findings .warning { color: var(--warn); }
.fix { color: var(--muted); }
.warn-text { color: var(--warn); font-weight: 600; } .ok-text { color: var(--ok); }
.perm { display: inline-block; margin: 0 1rem .3rem 0; }
ul.changes { margin: 0; padding-left: 1rem; }
code { font-family: ui-monospace, monospace; font-size: .9em; }
.lead, .note { color: var(--muted); }
@media (max-width: 40rem) { dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .4rem; } main { padding: .5rem; } }
`;
