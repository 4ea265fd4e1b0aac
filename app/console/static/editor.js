// Create or edit a state machine: the definition is checked by the server as it is typed, its
// diagnostics listed and marked at the line they point to, and the graph drawn again.
import { api, el, link, report } from "./api.js";
import { drawGraph } from "./graph.js";

const arn = document.body.dataset.subject;
const form = document.getElementById("editor-form");
const text = document.getElementById("definition");
const gutter = document.getElementById("gutter");
const list = document.getElementById("diagnostics");
const TEMPLATE = { Comment: "A new state machine", StartAt: "Hello", States: { Hello: { Type: "Pass", End: true } } };
let checking = 0;
let timer = null;

function markLines(diagnostics) {
  const bad = new Map(diagnostics.filter((d) => d.line).map((d) => [d.line, d]));
  const count = text.value.split("\n").length;
  gutter.replaceChildren(...Array.from({ length: count }, (_, i) => {
    const line = i + 1;
    const problem = bad.get(line);
    return el("div", { class: problem ? "marked" : null, title: problem ? problem.message : null }, `${problem ? "✖ " : ""}${line}`);
  }));
}

function goTo(line, column) {
  const lines = text.value.split("\n");
  const offset = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + Math.max(0, (column || 1) - 1);
  text.focus();
  text.setSelectionRange(offset, offset);
}

async function check() {
  const mine = ++checking;
  const draft = await api("/overview/drafts", { method: "POST", body: { definition: text.value || " ", type: form.type.value } });
  if (mine !== checking) return; // an older answer that arrived late
  list.replaceChildren(...(draft.diagnostics.length
    ? draft.diagnostics.map((d) => el("li", { class: `diagnostic ${d.severity.toLowerCase()}`, "data-location": d.location, "data-line": d.line },
      el("strong", {}, d.severity), " ", el("code", {}, d.code), " at ",
      d.line ? el("button", { type: "button", class: "linkish", onclick: () => goTo(d.line, d.column) }, `line ${d.line}`) : "the top",
      ` (${d.location || "/"}): ${d.message}`))
    : [el("li", { class: "diagnostic ok" }, "No problems found.")]),
    ...(draft.truncated ? [el("li", { class: "diagnostic" }, "More problems were found than are shown; fix these first.")] : []));
  text.setAttribute("aria-invalid", String(draft.result === "FAIL"));
  markLines(draft.diagnostics);
  if (draft.graph) drawGraph(document.getElementById("graph"), draft.graph);
}

text.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => check().catch(report), 250);
  markLines([]);
});
text.addEventListener("scroll", () => { gutter.scrollTop = text.scrollTop; });
form.type.addEventListener("change", () => check().catch(report));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("save-error");
  error.textContent = "";
  try {
    if (arn) {
      await api(`/state-machines/${encodeURIComponent(arn)}`, { method: "PUT", body: { definition: text.value, roleArn: form.roleArn.value } });
      location.href = link.machine(arn);
    } else {
      const made = await api("/state-machines", {
        method: "POST", body: { name: form.name.value.trim(), type: form.type.value, roleArn: form.roleArn.value, definition: text.value },
      });
      location.href = link.machine(made.stateMachineArn);
    }
  } catch (failure) {
    error.textContent = `${failure.code}: ${failure.message}`;
  }
});

async function start() {
  if (arn) {
    const machine = await api(`/state-machines/${encodeURIComponent(arn)}`);
    document.getElementById("editor-title").textContent = `Edit ${machine.name}`;
    form.name.value = machine.name;
    form.name.readOnly = true;
    form.type.value = machine.type;
    form.type.disabled = true;
    form.roleArn.value = machine.roleArn;
    text.value = JSON.stringify(JSON.parse(machine.definition), null, 2);
  } else {
    text.value = JSON.stringify(TEMPLATE, null, 2);
  }
  await check();
}

start().catch(report);
