// One execution: the graph coloured by what happened, a state's visits when it is chosen, the
// tokens it waits on (approve or reject), stop and redrive, lineage, Map iterations, a timeline
// and the event table. A running execution refreshes every two seconds.
import { api, el, every, when, duration, badge, link, pretty, confirmAction, notice, report } from "./api.js";
import { drawGraph, WORDS } from "./graph.js";

const arn = document.body.dataset.subject;
let view = null;
let events = [];
let selected = null;
let running = true;

async function refresh() {
  view = await api(`/overview/executions/${encodeURIComponent(arn)}`);
  if (view.execution.historyEventCount !== events.length) await readHistory();
  running = view.execution.status === "RUNNING";
  render();
}

async function readHistory() {
  const history = [];
  let nextToken = null;
  do {
    const page = await api(`/executions/${encodeURIComponent(arn)}/history`, { query: { maxResults: 1000, nextToken } });
    history.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  events = history;
}

function render() {
  const x = view.execution;
  document.getElementById("execution-name").replaceChildren(x.name, " ", badge(x.status));
  document.title = `${x.name} · sfn console`;
  document.getElementById("facts").replaceChildren(
    el("dt", {}, "State machine"), el("dd", {}, el("a", { href: link.machine(x.stateMachineArn) }, x.stateMachineArn.split(":").pop())),
    el("dt", {}, "Started"), el("dd", {}, when(x.startDate)),
    el("dt", {}, "Ended"), el("dd", {}, when(x.stopDate)),
    el("dt", {}, "Duration"), el("dd", {}, duration(x.startDate, x.stopDate)),
    el("dt", {}, "History events"), el("dd", {}, `${x.historyEventCount} of ${x.historyEventLimit}`),
    ...(x.error ? [el("dt", {}, "Error"), el("dd", { class: "error" }, x.error)] : []),
    ...(x.cause ? [el("dt", {}, "Cause"), el("dd", {}, el("pre", { class: "code" }, pretty(x.cause)))] : []),
    ...(x.output ? [el("dt", {}, "Output"), el("dd", {}, el("pre", { class: "code" }, pretty(x.output)))] : []),
  );
  document.getElementById("stop").hidden = x.status !== "RUNNING";
  document.getElementById("redrive").hidden = !["FAILED", "TIMED_OUT", "ABORTED"].includes(x.status) || x.redriveStatus === "NOT_REDRIVABLE";
  drawGraph(document.getElementById("graph"), view.graph, { statuses: view.progress.states, onSelect: choose });
  renderTokens();
  renderLineage();
  renderIterations();
  renderTimeline();
  renderEvents();
  if (selected) choose(selected, false);
}

/** Show a state's details: its last visits, or the one visit given (a Map iteration's, opened from its row). */
function choose(name, focus = true, visit = null) {
  selected = name;
  for (const node of document.querySelectorAll("#graph .node")) node.classList.toggle("selected", node.dataset.state === name);
  const visits = view.progress.entries.filter((entry) => entry.state === name);
  const status = view.progress.states[name] || "not-reached";
  const panel = document.getElementById("state-details");
  document.getElementById("state-title").textContent = `State: ${name}`;
  panel.replaceChildren(
    el("p", {}, "Status: ", badge(WORDS[status] || status)),
    ...(visits.length ? [] : [el("p", {}, "This state was not reached.")]),
    ...(visit ? [visit] : visits.slice(-5)).map((entry) => el("div", { class: "visit" },
      el("h3", {}, visits.length > 1 ? `Visit ${visits.indexOf(entry) + 1} of ${visits.length}${entry.lane ? ` (${entry.lane})` : ""}` : "Visit"),
      el("dl", { class: "facts" },
        el("dt", {}, "Entered"), el("dd", {}, when(entry.enteredAt)),
        el("dt", {}, "Duration"), el("dd", {}, duration(entry.enteredAt, entry.exitedAt)),
        el("dt", {}, "Retries"), el("dd", {}, String(entry.retries)),
        ...(entry.error ? [el("dt", {}, "Error"), el("dd", { class: "error" }, entry.error)] : []),
        ...(entry.cause ? [el("dt", {}, "Cause"), el("dd", {}, el("pre", { class: "code" }, pretty(entry.cause)))] : []),
      ),
      el("h4", {}, "Input"), el("pre", { class: "code state-input" }, pretty(entry.input)),
      ...(entry.taskInput ? [el("h4", {}, "Task called with (after InputPath, Parameters)"), el("pre", { class: "code task-input" }, pretty(entry.taskInput))] : []),
      ...(entry.taskResult ? [el("h4", {}, "Task result (before ResultSelector, ResultPath, OutputPath)"), el("pre", { class: "code task-result" }, pretty(entry.taskResult))] : []),
      el("h4", {}, "Output"), el("pre", { class: "code state-output" }, entry.output === null ? "(none yet)" : pretty(entry.output)),
    )),
  );
  if (focus) document.getElementById("state-panel").scrollIntoView({ block: "nearest" });
}

function renderTokens() {
  const section = document.getElementById("tokens");
  section.hidden = !view.tokens.length;
  document.getElementById("token-list").replaceChildren(...view.tokens.map((token) => el("li", { class: "token" },
    `${token.stateName || "A task"} waits for a callback (since ${when(token.createdAt)}). `,
    el("button", { type: "button", class: "primary approve", onclick: () => answer(token, true) }, "Send success"), " ",
    el("button", { type: "button", class: "reject", onclick: () => answer(token, false) }, "Send failure"),
  )));
}

async function answer(token, success) {
  const name = token.stateName || "the task";
  if (success) {
    const output = prompt(`Output of ${name} (JSON):`, "{}");
    if (output === null) return;
    try { JSON.parse(output); } catch (error) { notice(`The output is not JSON: ${error.message}`); return; }
    if (!(await confirmAction(`Send success to ${name} with this output?`, "Send success"))) return;
    await act(() => api("/tasks/success", { method: "POST", body: { taskToken: token.taskToken, output } }));
  } else {
    const error = prompt(`Error for ${name}:`, "Rejected");
    if (error === null) return;
    const cause = prompt("Cause:", "Rejected from the console") ?? "";
    if (!(await confirmAction(`Send failure ${error} to ${name}?`, "Send failure"))) return;
    await act(() => api("/tasks/failure", { method: "POST", body: { taskToken: token.taskToken, error, cause } }));
  }
}

async function act(call) {
  try {
    await call();
    notice("");
  } catch (error) {
    report(error);
  }
  await refresh().catch(report);
}

document.getElementById("stop").addEventListener("click", async () => {
  const error = prompt("Error to record (optional):", "Stopped") ?? null;
  if (error === null) return;
  const cause = prompt("Cause (optional):", "Stopped from the console") ?? "";
  if (!(await confirmAction(`Stop ${view.execution.name}? It ends as ABORTED.`, "Stop"))) return;
  await act(() => api(`/executions/${encodeURIComponent(arn)}/stop`, { method: "POST", body: { error: error || undefined, cause: cause || undefined } }));
});

document.getElementById("redrive").addEventListener("click", async () => {
  if (!(await confirmAction(`Redrive ${view.execution.name} from the states that did not succeed?`, "Redrive"))) return;
  await act(() => api(`/executions/${encodeURIComponent(arn)}/redrive`, { method: "POST", body: {} }));
});

function renderLineage() {
  const { startedBy, children, chain } = view.lineage;
  const section = document.getElementById("lineage");
  section.hidden = !startedBy && !children.length;
  const item = (run) => el("li", { class: run.executionArn === arn ? "current" : "" },
    run.executionArn === arn ? el("strong", {}, run.name || run.executionArn) : el("a", { href: link.execution(run.executionArn) }, run.name || run.executionArn),
    run.status ? [" ", badge(run.status), ` ${run.historyEventCount} of ${view.execution.historyEventLimit} events`] : "");
  document.getElementById("lineage-body").replaceChildren(
    ...(startedBy ? [el("p", {}, "Started by ", el("a", { href: link.execution(startedBy.executionArn) }, startedBy.name), " ", badge(startedBy.status))] : []),
    ...(chain.length > 1 ? [el("h3", {}, "Chain"), el("ol", { class: "chain" }, ...chain.map(item))] : []),
    ...(children.length ? [el("h3", {}, "Started"), el("ul", {}, ...children.map(item))] : []),
  );
}

/** Whether an entry runs in ``lane`` (a Map iteration or Parallel branch), or in one inside it. */
const inLane = (entry, lane) => entry.lane === lane || entry.lane.startsWith(`${lane} / `);

function renderIterations() {
  const iterations = view.progress.iterations;
  document.getElementById("iterations-section").hidden = !iterations.length;
  document.querySelector("#iterations tbody").replaceChildren(...iterations.map((it) => el("tr", { "data-index": it.index },
    el("td", {}, it.state), el("td", {}, String(it.index)), el("td", {}, badge(it.status)), el("td", {}, duration(it.startedAt, it.endedAt)),
    el("td", {}, iterationStates(it)),
  )));
}

/** An iteration, opened: the states it ran, each a button that shows that state's visits. */
function iterationStates(iteration) {
  const visits = view.progress.entries.filter((entry) => inLane(entry, iteration.lane));
  return el("details", { class: "iteration-states" }, el("summary", {}, `${visits.length} state visits`),
    el("ol", {}, ...visits.map((entry) => el("li", {},
      el("button", { type: "button", class: "linkish", onclick: () => choose(entry.state, true, entry) }, entry.state), " ",
      badge(entry.status), ` ${duration(entry.enteredAt, entry.exitedAt)}`))));
}

/** The timeline: a bar per state visit, grouped in lanes (the execution's own line, then each Map
 * iteration and Parallel branch in the order it began), a lane's own bar first where it has one. */
function renderTimeline() {
  const x = view.execution;
  const start = x.startDate;
  const end = x.stopDate || Date.now() / 1000;
  const span = Math.max(end - start, 0.001);
  const iterationOf = new Map(view.progress.iterations.map((it) => [it.lane, it]));
  const groups = new Map([["", []]]);
  for (const entry of view.progress.entries) {
    if (!groups.has(entry.lane)) groups.set(entry.lane, []);
    groups.get(entry.lane).push(entry);
  }
  for (const lane of iterationOf.keys()) if (!groups.has(lane)) groups.set(lane, []);
  const bar = (row) => {
    const left = ((row.from - start) / span) * 100;
    const width = Math.max((((row.to || end) - row.from) / span) * 100, 0.3);
    return el("div", { class: "lane" },
      el("span", { class: "lane-label" }, row.label),
      el("span", { class: "lane-track" }, el("span", {
        class: `bar st-${row.status}`, style: `left:${left.toFixed(2)}%;width:${Math.min(width, 100 - left).toFixed(2)}%`,
        title: `${row.label}: ${WORDS[row.status] || row.status}, ${duration(row.from, row.to)}`,
      })),
      el("span", { class: "lane-time" }, `${WORDS[row.status] || row.status} · ${duration(row.from, row.to)}`));
  };
  const rows = [];
  for (const [lane, entries] of groups) {
    const iteration = iterationOf.get(lane);
    if (iteration) rows.push(bar({ label: `${iteration.state} [${iteration.index}]`, from: iteration.startedAt, to: iteration.endedAt, status: iteration.status }));
    else if (lane) rows.push(el("div", { class: "lane-group" }, lane));
    rows.push(...entries.map((entry) => bar({ label: entry.state, from: entry.enteredAt, to: entry.exitedAt, status: entry.status })));
    if (rows.length >= 400) break;
  }
  document.getElementById("timeline").replaceChildren(...rows.slice(0, 400));
}

function stateOf(event) {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith("EventDetails") && value && value.name) return value.name;
  }
  return "";
}

/** Rows the event table shows at most; a filter finds the others (a history may hold 25,000). */
const SHOWN_EVENTS = 1000;

function renderEvents() {
  const filter = document.getElementById("event-filter").value.toLowerCase();
  const rows = [];
  let matching = 0;
  for (const event of events) {
    if (filter && !JSON.stringify(event).toLowerCase().includes(filter)) continue;
    if (++matching > SHOWN_EVENTS) continue;
    const details = Object.entries(event).filter(([key]) => key.endsWith("EventDetails"));
    rows.push(el("tr", { "data-type": event.type },
      el("td", {}, String(event.id)),
      el("td", {}, event.type),
      el("td", {}, stateOf(event)),
      el("td", {}, when(event.timestamp)),
      el("td", {}, details.length
        ? el("details", {}, el("summary", {}, "Details"), el("pre", { class: "code" }, JSON.stringify(Object.fromEntries(details), null, 2)))
        : "")));
  }
  document.querySelector("#events tbody").replaceChildren(...rows);
  const more = document.getElementById("events-more");
  more.hidden = matching <= SHOWN_EVENTS;
  more.textContent = `Showing the first ${SHOWN_EVENTS} of ${matching} events; filter to find the others.`;
}

document.getElementById("event-filter").addEventListener("input", renderEvents);
every(2000, refresh, () => running);
