// One state machine: its graph beside its definition, versions and aliases, recent executions,
// and a form that starts an execution with JSON input checked before it is sent.
import { api, el, every, when, badge, link, pretty } from "./api.js";
import { drawGraph } from "./graph.js";

const arn = document.body.dataset.subject;
const path = `/state-machines/${encodeURIComponent(arn)}`;
const startSection = document.getElementById("start");
const startForm = document.getElementById("start-form");
const startError = document.getElementById("start-error");

async function load() {
  const machine = await api(path);
  document.getElementById("machine-name").textContent = machine.name;
  document.title = `${machine.name} · sfn console`;
  document.getElementById("edit").href = `/console/editor?arn=${encodeURIComponent(arn)}`;
  document.getElementById("all-executions").href = `/console/executions?stateMachineArn=${encodeURIComponent(arn)}`;
  document.getElementById("facts").replaceChildren(
    el("dt", {}, "ARN"), el("dd", {}, machine.stateMachineArn),
    el("dt", {}, "Type"), el("dd", {}, machine.type),
    el("dt", {}, "Status"), el("dd", {}, badge(machine.status)),
    el("dt", {}, "Created"), el("dd", {}, when(machine.creationDate)),
  );
  document.getElementById("asl").textContent = pretty(machine.definition);
  const draft = await api("/overview/drafts", { method: "POST", body: { definition: machine.definition, type: machine.type } });
  drawGraph(document.getElementById("graph"), draft.graph);
  const [versions, aliases] = await Promise.all([api(`${path}/versions`), api(`${path}/aliases`)]);
  const items = [
    ...versions.stateMachineVersions.map((v) => el("li", {}, `Version ${v.stateMachineVersionArn.split(":").pop()} — published ${when(v.creationDate)}`)),
    ...aliases.stateMachineAliases.map((a) => el("li", {}, `Alias ${a.stateMachineAliasArn.split(":").pop()} — created ${when(a.creationDate)}`)),
  ];
  document.getElementById("versions").replaceChildren(...(items.length ? items : [el("li", {}, "None published.")]));
}

async function recent() {
  const page = await api("/overview/executions", { query: { stateMachineArn: arn, maxResults: 10 } });
  document.querySelector("#executions tbody").replaceChildren(...page.executions.map((x) => el("tr", {},
    el("td", {}, el("a", { href: link.execution(x.executionArn) }, x.name)),
    el("td", {}, badge(x.status)), el("td", {}, when(x.startDate)), el("td", {}, when(x.stopDate)),
  )));
}

document.getElementById("start-open").addEventListener("click", () => {
  startSection.hidden = false;
  startForm.input.focus();
});
document.getElementById("start-cancel").addEventListener("click", () => { startSection.hidden = true; });
startForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  let input;
  try {
    input = JSON.parse(startForm.input.value);
  } catch (error) {
    startError.textContent = `The input is not JSON: ${error.message}`;
    startForm.input.setAttribute("aria-invalid", "true");
    return;
  }
  startForm.input.removeAttribute("aria-invalid");
  try {
    const started = await api("/executions", {
      method: "POST", body: { stateMachineArn: arn, input, name: startForm.name.value.trim() || undefined },
    });
    location.href = link.execution(started.executionArn);
  } catch (error) {
    startError.textContent = `${error.code}: ${error.message}`;
  }
});

load().catch((error) => { document.getElementById("machine-name").textContent = `${error.code}: ${error.message}`; });
every(5000, recent);
