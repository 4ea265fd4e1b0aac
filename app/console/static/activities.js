// Activities with the tasks waiting for a worker, those being worked on, and the latest workers.
import { api, el, every, when } from "./api.js";

const body = document.querySelector("#activities tbody");

async function load() {
  const page = await api("/overview/activities", { query: { maxResults: 1000 } });
  body.replaceChildren(...page.activities.map((a) => el("tr", { "data-activity": a.name },
    el("td", { title: a.activityArn }, a.name),
    el("td", {}, when(a.creationDate)),
    el("td", { class: "count" }, String(a.scheduledCount)),
    el("td", { class: "count" }, String(a.startedCount)),
    el("td", {}, a.recentWorkers.map((w) => `${w.workerName} (${when(w.lastTaskDate)})`).join(", ") || "—"),
  )));
  document.getElementById("activities-empty").hidden = page.activities.length > 0;
}

every(5000, load);
