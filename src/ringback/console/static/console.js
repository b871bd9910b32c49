// Ringback console: the live parts, on server-sent events from /_console/live. No build step.
"use strict";

// `opened` runs each time the stream (re)connects: what changed while it was not connected,
// the page fetches again.
function connect(url, handlers, opened) {
  const source = new EventSource(url);
  const status = document.getElementById("live-status");
  source.onopen = () => {
    if (status) status.textContent = "live";
    opened();
  };
  source.onerror = () => { if (status) status.textContent = "reconnecting…"; };
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => handle(JSON.parse(event.data)));
  }
  source.addEventListener("reload", () => location.reload());
  return source;
}

// The calls list: a changed call's row is replaced, a new one that passes the filters goes on top;
// the list keeps its newest MAX_ROWS rows (the rest are a filter or the JSON away).
const MAX_ROWS = 500;

function callsPage() {
  const body = document.querySelector("#calls tbody");
  const filters = new URLSearchParams(location.search);
  const matches = (state) => {
    const number = filters.get("number");
    return (!filters.get("state") || state.state === filters.get("state"))
      && (!filters.get("cause") || state.disconnectCause === filters.get("cause"))
      && (!filters.get("applicationId") || state.applicationId === filters.get("applicationId"))
      && (!number || state.to === number || state.from === number)
      && (!filters.get("id") || state.callId.includes(filters.get("id")));
  };
  connect("/_console/live", {
    call: ({ callId, state, html }) => {
      const old = document.getElementById("row-" + callId);
      const template = document.createElement("template");
      template.innerHTML = html.trim();
      const row = template.content.firstElementChild;
      if (!matches(state)) { if (old) old.remove(); return; }
      row.classList.add("fresh");
      if (old) old.replaceWith(row); else body.prepend(row);
      while (body.children.length > MAX_ROWS) body.lastElementChild.remove();
      document.getElementById("no-calls").hidden = true;
    },
    reset: () => { body.replaceChildren(); document.getElementById("no-calls").hidden = false; },
  }, async () => {
    const response = await fetch(location.href);
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    body.replaceChildren(...fresh.querySelector("#calls tbody").children);
    document.getElementById("no-calls").hidden = body.children.length > 0;
  });
}

// A call's or a message's page: on news of it (or of a call's leg), fetch its live part again,
// keeping open rows open and leaving a playing recording alone.
function livePage() {
  const watched = document.body.dataset.watch;
  const part = document.getElementById("live-part");
  let pending = null;
  const refresh = async () => {
    pending = null;
    const response = await fetch(document.body.dataset.part);
    if (!response.ok) return;
    const html = await response.text();
    // Read what the person has open or playing only now, just before the swap: nothing they
    // did while the part was being fetched is lost.
    if ([...part.querySelectorAll("audio")].some((a) => !a.paused)) return;
    const open = new Set([...part.querySelectorAll("details[open]")].map((d) => d.dataset.key));
    part.innerHTML = html;
    for (const details of part.querySelectorAll("details")) {
      if (open.has(details.dataset.key)) details.open = true;
    }
    const state = part.querySelector("[data-up]");
    if (state) document.body.dataset.up = state.dataset.up;
    const form = document.getElementById("step-form");
    if (form && document.body.dataset.up === "no") form.hidden = true;  // the call has ended
  };
  connect(`/_console/live?call=${encodeURIComponent(watched)}`, {
    news: () => { if (!pending) pending = setTimeout(refresh, 150); },
    reset: () => location.assign("/"),
  }, () => { if (document.body.dataset.up === "yes") refresh(); });
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "calls") callsPage();
  if (page === "live") livePage();
});
