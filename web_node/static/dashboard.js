// The dashboard: one server-sent event stream carries the whole picture; each message redraws it.
"use strict";

(() => {
  const { el, replace, money, clock, follow, post, get } = Page;
  const $ = (id) => document.getElementById(id);

  function bar(line) {
    const offered = Math.max(line.offered, 1);
    const sold = el("span", { class: "sold" });
    sold.style.width = `${(100 * line.sold) / offered}%`;
    const reserved = el("span", { class: "reserved" });
    reserved.style.width = `${(100 * line.reserved) / offered}%`;
    return el("div", { class: "bar" }, sold, reserved);
  }

  function stockRows(lines) {
    const byMaker = new Map();
    for (const line of lines) {
      if (!byMaker.has(line.manufacturer)) byMaker.set(line.manufacturer, []);
      byMaker.get(line.manufacturer).push(line);
    }
    const rows = [];
    for (const [maker, own] of [...byMaker.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      const sum = (key) => own.reduce((total, line) => total + line[key], 0);
      rows.push(el("tr", { class: "maker", dataset: { manufacturer: maker } },
        el("td", { text: maker, class: "maker-name" }), el("td"),
        el("td", { class: "num", text: sum("offered") }), el("td", { class: "num", text: sum("reserved") }),
        el("td", { class: "num", text: sum("sold") }), el("td")));
      for (const line of own.sort((a, b) => a.product.localeCompare(b.product))) {
        const row = el("tr", { class: line.available === 0 ? "line out" : "line", dataset: { lineId: line.id } },
          el("td", { class: "product", text: line.product }), el("td", { text: money(line.price_cents) }),
          el("td", { class: "num offered", text: line.offered }),
          el("td", { class: "num reserved", text: line.reserved }),
          el("td", { class: "num sold", text: line.sold }), el("td", {}, bar(line)));
        rows.push(row);
      }
    }
    return rows;
  }

  function drawRate(series) {
    const max = Math.max(1, ...series.map((point) => point[1]));
    const points = series.map(([ago, rate]) => `${(300 * (60 - ago)) / 60},${100 - (95 * rate) / max}`);
    $("rate-line").setAttribute("points", points.join(" "));
    const now = series.length ? series[series.length - 1][1] : 0;
    $("rate-now").textContent = `${now.toFixed(1)} orders/s now, peak ${max.toFixed(1)} in the last minute`;
  }

  function render(board) {
    $("central-state").textContent = board.central_up ? "up" : "not answering";
    $("central-state").className = board.central_up ? "up" : "down";
    const month = board.month;
    if (month) {
      // The month's clock is the central's: every open page shows its pause at the same moment.
      $("month-title").textContent = `Month ${month.month} ${month.state}${month.paused ? " · paused" : ""}`;
      $("month-clock").textContent = month.paused ? "paused" : month.state === "OPEN" ? "running" : "stopped";
      $("month-clock").className = month.paused ? "paused" : "";
      const offered = month.lines.reduce((total, line) => total + line.offered, 0);
      const sold = month.lines.reduce((total, line) => total + line.sold, 0);
      const reserved = month.lines.reduce((total, line) => total + line.reserved, 0);
      $("order-count").textContent = month.order_count;
      $("revenue").textContent = money(month.revenue_cents);
      $("sold-share").textContent = `${sold} of ${offered}`;
      $("unmet").textContent = month.unmet_demand;
      $("progress-sold").style.width = `${offered ? (100 * sold) / offered : 0}%`;
      $("progress-reserved").style.width = `${offered ? (100 * reserved) / offered : 0}%`;
      const end = month.closed_at ? new Date(month.closed_at) : new Date();
      $("elapsed").textContent = month.opened_at
        ? `${Math.max(0, (end - new Date(month.opened_at) - month.paused_ms) / 1000).toFixed(0)} s` : "–";
      replace($("stock").tBodies[0], stockRows(month.lines));
      const names = month.shopper_names || [];
      $("shoppers").textContent = names.length ? `Shopping this month: ${names.join(", ")}` : "";
    } else if (board.central_up) {
      $("month-title").textContent = "No month opened yet";
    }
    replace($("links"), (board.manufacturers || []).map((maker) =>
      el("li", { class: maker.connected ? "up" : "down", dataset: { manufacturer: maker.name } },
        el("span", { class: "dot" }), el("span", { class: "name", text: maker.name }),
        el("span", { class: "note", text: maker.connected ? " connected" : " link lost" }))));
    drawRate(board.orders_per_s || []);
    const events = board.events || [];
    // The whole run's faults and recoveries, newest first, in a list of their own: routine news never pushes them out.
    const faults = board.faults || events.filter((event) => event.kind === "fault");
    replace($("faults"), faults.length ? faults.map(faultItem) : [el("li", { class: "note", text: "none so far" })]);
    replace($("feed"), foldRoutine(events.filter((event) => event.kind !== "fault")).map(eventItem));
    // Newest day first: the panel scrolls, so the days a class is looking at stay at the top.
    const days = [...(board.branch_days || [])].sort((a, b) => b.day.localeCompare(a.day) || a.branch.localeCompare(b.branch));
    replace($("branch-days").tBodies[0], days.map((day) =>
      el("tr", {}, el("td", { text: day.branch }), el("td", { text: day.day }),
        el("td", { class: "num", text: money(day.streamed_revenue_cents) }),
        el("td", { class: "num", text: day.transactions }))));
    const alerts = board.alerts || [];
    replace($("alerts"), alerts.length ? alerts.map((alert) =>
      el("li", { text: `${alert.branch}: ${alert.product} at ${alert.quantity} (reorder point ${alert.reorder_point})` }))
      : [el("li", { class: "note", text: "none open" })]);
    if (board.controls && board.nodes) renderControls(board.nodes);
  }

  function eventItem(event) {
    return el("li", { class: `event ${event.kind}` }, el("time", { text: clock(event.at) }), " ", event.text);
  }

  function faultItem(fault) {
    const state = fault.recovered ? "recovered" : "open";
    return el("li", { class: `event fault ${state}`, dataset: { node: fault.node || "", kind: fault.kind || "" } },
      el("time", { text: clock(fault.at) }), " ", fault.text);
  }

  // Runs of restock and reorder lines (newest first) fold into one line that counts them.
  function foldRoutine(events) {
    const folded = [];
    for (const event of events) {
      const last = folded[folded.length - 1];
      if (event.kind === "reorder" && last && last.kind === "reorder") {
        last.count = (last.count || 1) + 1;
        last.text = `${last.count} restocks/reorders, latest: ${last.latest}`;
      } else {
        folded.push({ ...event, latest: event.text });
      }
    }
    return folded;
  }

  const LATENCIES_MS = [0, 200, 1000];
  let shownNodes = "";

  // The lecturer's actions go one at a time, in the order clicked: sent side by side, a restore
  // could reach the launcher before the cut it undoes, and leave the link cut.
  let queued = Promise.resolve();
  function control(node, action, extra) {
    queued = queued.catch(() => {}).then(() => send(node, action, extra));
    return queued;
  }

  async function send(node, action, extra) {
    const reply = await post("/api/control", { node: node.slug, action, ...extra });
    $("control-result").textContent = reply.ok ? `${action} ${node.label}: done` : reply.data.error;
    if (reply.ok && reply.data.nodes) renderControls(reply.data.nodes);
  }

  function nodeState(node) {
    const parts = [node.state || (node.running ? "running" : "down")];
    if (node.link) {
      parts.push(node.link.cut ? "link cut" : "linked");
      if (node.link.latency_ms) parts.push(`+${node.link.latency_ms} ms`);
    }
    return ` ${parts.join(", ")} `;
  }

  function latencySelect(node) {
    const choices = [...new Set([...LATENCIES_MS, node.link.latency_ms])].sort((a, b) => a - b);
    const select = el("select", { "aria-label": `latency of ${node.label}`, dataset: { action: "latency" } },
      ...choices.map((ms) => el("option", { value: ms, text: `${ms} ms` })));
    select.value = String(node.link.latency_ms);
    select.addEventListener("change", () => control(node, "latency", { latency_ms: Number(select.value) }));
    return select;
  }

  function renderControls(nodes) {
    const list = $("controls");
    // Redrawn only when something changed: an open latency menu stays open between pushes.
    if (!list || JSON.stringify(nodes) === shownNodes) return;
    shownNodes = JSON.stringify(nodes);
    replace(list, nodes.map((node) => {
      const button = (label, action) => {
        const b = el("button", { type: "button", text: label, dataset: { node: node.slug, action } });
        b.addEventListener("click", () => control(node, action));
        return b;
      };
      const down = !node.running || (node.link && node.link.cut);
      const item = el("li", { dataset: { node: node.slug, linkCut: String(Boolean(node.link && node.link.cut)) } },
        el("span", { class: down ? "down" : "up", text: down ? "○ " : "● " }),
        el("span", { class: "name", text: node.label }),
        el("span", { class: "note state", text: nodeState(node) }));
      if (list.dataset.operator !== "yes") return item;
      const actions = el("div", { class: "actions" });
      if (node.killable !== false) actions.append(button("kill", "kill"), button("restart", "restart"));
      if (node.link) actions.append(button("cut link", "cut"), button("restore link", "restore"));
      if (node.link) actions.append(latencySelect(node));
      item.append(actions);
      return item;
    }));
  }

  // The join card: what anyone in the room needs to shop (the launcher's, nothing of the operator's).
  async function showJoin() {
    let card;
    try {
      const response = await fetch("/join/card");
      card = response.ok ? await response.json() : {};
    } catch {
      return;
    }
    if (!card.shop_url) return;
    $("join-shop").textContent = card.shop_url;
    $("join-shop").href = card.shop_url;
    // Made only when there is a shop to point at: a page without a launcher has no image at all.
    $("join-qr-slot").replaceWith(el("img", { id: "join-qr", src: "/join/qr.svg", width: 132, height: 132,
      alt: "QR code of the web shop's address" }));
    $("join-install").textContent = (card.install || []).join("\n") || `central: ${card.central}`;
    if (card.ca_url) {
      $("join-ca").textContent = `Trust the run's CA first: ${card.ca_url} (SHA-256 ${card.ca_fingerprint})`;
      $("join-ca").hidden = false;
    }
    $("join-panel").hidden = false;
  }

  // Logged in at headquarters in another tab: back here the page redraws with the controls
  // instead of still asking for the key. Asked only when this page comes into view.
  async function reloadIfLoggedIn() {
    if (!$("controls-login") || document.visibilityState === "hidden") return;
    const reply = await get("/api/hq/session");
    if (reply.ok && reply.data.operator) location.reload();
  }
  document.addEventListener("visibilitychange", reloadIfLoggedIn);
  window.addEventListener("focus", reloadIfLoggedIn);
  window.addEventListener("pageshow", (event) => { if (event.persisted) reloadIfLoggedIn(); });

  showJoin();
  follow("/events/dashboard", render);
})();
