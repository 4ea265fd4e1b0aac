// The list of state machines: search by name, type, creation date, running and failed counts.
import { api, el, every, when, link, report } from "./api.js";

const form = document.getElementById("filters");
const body = document.querySelector("#machines tbody");
const more = document.getElementById("more");
let shown = [];
let nextToken = null;

async function load(append = false) {
  const page = await api("/overview/state-machines", {
    query: { nameContains: form.nameContains.value, nextToken: append ? nextToken : null, maxResults: 100 },
  });
  shown = append ? shown.concat(page.stateMachines) : page.stateMachines;
  nextToken = page.nextToken || null;
  body.replaceChildren(...shown.map((m) => el("tr", {},
    el("td", {}, el("a", { href: link.machine(m.stateMachineArn) }, m.name)),
    el("td", {}, m.type),
    el("td", {}, when(m.creationDate)),
    el("td", { class: m.runningCount ? "count running" : "count" }, String(m.runningCount)),
    el("td", { class: m.failedCount ? "count failed" : "count" }, String(m.failedCount)),
  )));
  document.getElementById("machines-empty").hidden = shown.length > 0;
  more.hidden = !nextToken;
}

form.addEventListener("input", () => load().catch(report));
form.addEventListener("submit", (event) => { event.preventDefault(); load().catch(report); });
more.addEventListener("click", () => load(true).catch(report));
every(5000, () => (nextToken ? Promise.resolve() : load()));
