// Draws the server's layout of a state machine (boxes and arrows in pixels) as SVG: one focusable
// node per state, coloured by its status and labelled with the status word.

const SVG = "http://www.w3.org/2000/svg";
const PAD = 10;

export const WORDS = {
  succeeded: "Succeeded", failed: "Failed", caught: "Caught error", running: "Running",
  waiting: "Waiting", taken: "Taken", passed: "Passed", aborted: "Aborted", "not-reached": "Not reached",
};

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Replaces `container`'s content with the drawing. With `statuses` (state name → status) the
 * nodes are coloured and arrows between visited states drawn stronger; `onSelect(name)` is called
 * when a node is clicked or chosen with Enter or Space.
 */
export function drawGraph(container, graph, { statuses = null, onSelect = null } = {}) {
  container.replaceChildren();
  if (!graph || !graph.nodes.length) {
    container.textContent = "Nothing to draw yet.";
    return;
  }
  const width = graph.width + 2 * PAD;
  const height = graph.height + 2 * PAD;
  const root = svg("svg", {
    viewBox: `${-PAD} ${-PAD} ${width} ${height}`, width, height, role: "group", "aria-label": "State machine graph",
  });
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }));
  const defs = svg("defs");
  defs.append(marker);
  root.append(defs);
  const statusOf = (name) => (statuses ? statuses[name] || "not-reached" : null);
  for (const node of graph.nodes.filter((n) => n.group)) root.append(drawNode(node, statusOf(node.name), onSelect));
  for (const edge of graph.edges) {
    const visited = statuses && statuses[edge.source] && statuses[edge.target];
    root.append(svg("polyline", {
      points: edge.points.map((p) => p.join(",")).join(" "),
      class: `edge edge-${edge.kind}${visited ? " edge-taken" : ""}`,
      "marker-end": "url(#arrow)",
    }));
  }
  for (const node of graph.nodes.filter((n) => !n.group)) root.append(drawNode(node, statusOf(node.name), onSelect));
  container.append(root);
}

function drawNode(node, status, onSelect) {
  const word = status ? WORDS[status] || status : null;
  const group = svg("g", {
    class: `node ${node.group ? "group" : "state"} type-${node.type}${status ? " st-" + status : ""}`,
    "data-state": node.name, "data-type": node.type, tabindex: 0, role: "button",
    "aria-label": `${node.name}, ${node.type}${word ? ", " + word : ""}`,
  });
  if (status) group.setAttribute("data-status", status);
  group.append(svg("rect", { x: node.x, y: node.y, width: node.width, height: node.height, rx: node.group ? 8 : 6 }));
  if (node.group) {
    group.append(svg("text", { x: node.x + 10, y: node.y + 19, class: "label" }, `${node.name} (${node.type})${word ? " · " + word : ""}`));
  } else {
    const middle = node.x + node.width / 2;
    group.append(svg("text", { x: middle, y: node.y + (word ? 17 : 24), class: "label", "text-anchor": "middle" }, node.name));
    if (word) group.append(svg("text", { x: middle, y: node.y + 32, class: "word", "text-anchor": "middle" }, `${node.type} · ${word}`));
  }
  if (onSelect) {
    group.addEventListener("click", (event) => { event.stopPropagation(); onSelect(node.name); });
    group.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); event.stopPropagation(); onSelect(node.name); }
    });
  }
  return group;
}
