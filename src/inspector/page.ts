/** The inspector's HTML: a header with filters, the list of exchanges, and the selected one. */
export const INSPECTOR_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>standin inspector</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="inspector.css">
</head>
<body>
<header>
  <h1>standin <span>inspector</span></h1>
  <form id="filters" role="search">
    <label>Provider <select id="f-provider"><option value="">all</option></select></label>
    <label>Session <select id="f-session"><option value="">all</option></select></label>
    <label>Status <select id="f-status">
      <option value="">all</option><option value="2xx">2xx</option><option value="4xx">4xx</option><option value="5xx">5xx</option>
    </select></label>
    <button type="button" id="clear" title="DELETE /_standin/journal">Clear</button>
  </form>
  <span id="live" class="live" role="status">connecting…</span>
</header>
<main>
  <section id="list-pane" aria-label="Exchanges">
    <table id="list">
      <thead><tr><th>time</th><th>method</th><th>path</th><th>status</th><th>ms</th><th>answer</th><th>session</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="empty" class="hint">No exchanges yet. Send a request to standin and it appears here.</p>
  </section>
  <section id="detail" aria-label="Selected exchange"><p class="hint">Select an exchange to see its request, answer and why.</p></section>
</main>
<script src="inspector.js" defer></script>
</body>
</html>
`;
