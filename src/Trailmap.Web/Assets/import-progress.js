// The import job page: refreshes rows, rows/s and state once a second from the job's JSON status, and reloads
// the page when the import ends so the server renders the summary. Without this file the page's reload link does it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-status-url]");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const number = new Intl.NumberFormat("en-US");
  const show = (name, text) => {
    const el = box.querySelector(`[data-field="${name}"]`);
    if (el) el.textContent = text;
  };
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const s = await response.json();
      show("state", s.state);
      show("rows", number.format(s.rows));
      show("rowsPerSecond", number.format(s.rowsPerSecond));
      show("elapsedSeconds", s.elapsedSeconds.toFixed(1));
      if (s.done) {
        window.location.reload();
        return;
      }
    } catch {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
});
