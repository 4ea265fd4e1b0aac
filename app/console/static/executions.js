// Executions of every machine: status, name and time filters, pages of 50, live refresh of the page shown.
import { api, el, every, when, badge, link, report } from "./api.js";

const form = document.getElementById("filters");
const body = document.querySelector("#executions tbody");
const live = document.getElementById("live");
const older = document.getElementById("next");
const newest = document.getElementById("first");
const PAGE = 50;
let tokens = [null]; // the token of each page seen, so "Newest" goes back to the first
form.stateMachineArn.value = document.body.dataset.subject || "";
if (form.stateMachineArn.value) {
  const shown = document.getElementById("machine-filter");
  shown.hidden = false;
  shown.append("Executions of ", el("a", { href: link.machine(form.stateMachineArn.value) }, form.stateMachineArn.value.split(":").pop()), ".");
}

const seconds = (value) => (value ? new Date(value).getTime() / 1000 : null);

async function load() {
  const page = await api("/overview/executions", {
    query: {
      statusFilter: form.statusFilter.value, nameContains: form.nameContains.value,
      startedAfter: seconds(form.startedAfter.value), startedBefore: seconds(form.startedBefore.value),
      stateMachineArn: form.stateMachineArn.value, maxResults: PAGE, nextToken: tokens[tokens.length - 1],
    },
  });
  body.replaceChildren(...page.executions.map((x) => el("tr", { "data-status": x.status },
    el("td", {}, el("a", { href: link.execution(x.executionArn) }, x.name)),
    el("td", {}, el("a", { href: link.machine(x.stateMachineArn) }, x.stateMachineName)),
    el("td", {}, badge(x.status)),
    el("td", {}, when(x.startDate)),
    el("td", {}, when(x.stopDate)),
  )));
  document.getElementById("executions-empty").hidden = page.executions.length > 0;
  older.disabled = !page.nextToken;
  older.dataset.token = page.nextToken || "";
  newest.disabled = tokens.length === 1;
}

const restart = () => { tokens = [null]; load().catch(report); };
form.addEventListener("input", restart);
form.addEventListener("submit", (event) => { event.preventDefault(); restart(); });
older.addEventListener("click", () => { tokens.push(older.dataset.token); load().catch(report); });
newest.addEventListener("click", restart);
every(3000, load, () => live.checked);
