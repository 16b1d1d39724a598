// The shop: register, the live catalog, the cart with each reservation's expiry, checkout, orders.
"use strict";

(() => {
  const { el, replace, money, clock, follow, post, get } = Page;
  const $ = (id) => document.getElementById(id);
  // The key of the checkout being attempted: kept across retries, so a retry sells nothing twice.
  const KEY = "checkout-idempotency-key";

  const registerForm = $("register");
  if (registerForm) {
    registerForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const reply = await post("/api/shop/register", {
        name: $("name").value, card_number: $("card-number").value,
        expiry_month: $("expiry-month").value, expiry_year: $("expiry-year").value,
      });
      if (reply.ok) location.reload();
      else $("register-error").textContent = reply.data.error || "Registration failed.";
    });
    return;
  }

  let cart = { lines: [], total_cents: 0 };

  function showError(message) { $("shop-error").textContent = message || ""; }

  function catalogRow(line) {
    const quantity = el("input", { type: "number", min: "1", value: "1", class: "qty", "aria-label": `units of ${line.product}` });
    const add = el("button", { type: "button", text: "Add", class: "add" });
    add.addEventListener("click", async () => {
      const reply = await post("/api/shop/cart/add", { stock_line_id: line.id, quantity: quantity.value });
      showError(reply.ok ? "" : reply.data.error);
      await refresh();
    });
    return el("tr", { dataset: { lineId: line.id } },
      el("td", { class: "product", text: line.product }), el("td", { class: "maker", text: line.manufacturer }),
      el("td", { class: "num", text: money(line.price_cents) }), el("td", { class: "num available", text: line.available }),
      el("td", {}, quantity, add));
  }

  function updateRow(row, line) {
    const [product, maker, price, available] = row.cells;
    product.textContent = line.product;
    maker.textContent = line.manufacturer;
    price.textContent = money(line.price_cents);
    available.textContent = line.available;
  }

  function renderCatalog(catalog) {
    $("catalog-month").textContent = catalog.month ? `month ${catalog.month} ${catalog.state}` : "";
    // The catalog is pushed again on every change. A row already shown is updated in place, so
    // the quantity box a person is typing into keeps its value, focus and selection: replacing
    // it mid-keystroke would lose them (a "2" typed over a selected "1" became "21").
    const body = $("catalog").tBodies[0];
    const shown = new Map(Array.from(body.rows, (row) => [row.dataset.lineId, row]));
    const rows = catalog.lines.map((line) => {
      const row = shown.get(String(line.id));
      if (!row) return catalogRow(line);
      updateRow(row, line);
      return row;
    });
    const kept = new Set(rows);
    for (const row of Array.from(body.rows)) if (!kept.has(row)) row.remove();
    // Only rows out of place move: moving a row takes the focus from its box.
    rows.forEach((row, i) => { if (body.rows[i] !== row) body.insertBefore(row, body.rows[i] || null); });
    $("catalog-empty").hidden = catalog.lines.length > 0;
  }

  function heldUntil(line) {
    if (line.state === "EXPIRED") return "expired: checkout tries again";
    const left = Math.max(0, Math.round((new Date(line.expires_at) - new Date()) / 1000));
    return `${clock(line.expires_at)} (${left} s)`;
  }

  function renderCart() {
    replace($("cart").tBodies[0], cart.lines.map((line) => {
      const remove = el("button", { type: "button", text: "Remove", class: "remove" });
      remove.addEventListener("click", async () => {
        const reply = await post("/api/shop/cart/remove", { stock_line_id: line.stock_line_id });
        showError(reply.ok ? "" : reply.data.error);
        await refresh();
      });
      return el("tr", { dataset: { lineId: line.stock_line_id } },
        el("td", { class: "product", text: `${line.product} (${line.manufacturer})` }),
        el("td", { class: "num", text: line.quantity }), el("td", { class: "num", text: money(line.price_cents) }),
        el("td", { class: "expiry", dataset: { expiresAt: line.expires_at }, text: heldUntil(line) }),
        el("td", {}, remove));
    }));
    $("cart-total").textContent = money(cart.total_cents);
    $("checkout").disabled = cart.lines.length === 0;
  }

  function dropReason(dropped) {
    if (dropped.reason === "MONTH_CLOSED") return `${dropped.product}: the month closed before the checkout, so it was not sold.`;
    return `${dropped.product}: you asked for ${dropped.requested}, only ${dropped.available} left — your hold had expired and others bought the units.`;
  }

  function orderItem(order) {
    return el("li", { class: "order", dataset: { orderId: order.order_id } },
      el("div", { class: "order-head", text: `${clock(order.created_at)} · month ${order.month} · ${money(order.total_cents)} · card …${order.card_last4}` }),
      el("ul", { class: "plain" }, ...order.lines.map((line) =>
        el("li", { text: `${line.quantity} × ${line.product} (${line.manufacturer}) at ${money(line.price_cents)}` }))),
      ...(order.dropped.length ? [el("ul", { class: "plain dropped" }, ...order.dropped.map((dropped) =>
        el("li", { class: "dropped-line", text: dropReason(dropped) })))] : []));
  }

  function renderOrders(orders) {
    replace($("orders"), orders.length ? orders.map(orderItem) : [el("li", { class: "note", text: "no orders yet" })]);
  }

  async function refresh() {
    const reply = await get("/api/shop/state");
    if (reply.status === 401) { location.reload(); return; }
    if (!reply.ok) { showError(reply.data.error); return; }
    cart = reply.data.cart;
    renderCart();
    renderOrders(reply.data.orders);
  }

  $("checkout").addEventListener("click", async () => {
    let key = sessionStorage.getItem(KEY);
    if (!key) {
      // randomUUID exists only on HTTPS or localhost; a class joins over plain HTTP on the LAN.
      key = crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
      sessionStorage.setItem(KEY, key);
    }
    $("checkout").disabled = true;
    const reply = await post("/api/shop/checkout", { idempotency_key: key });
    // Keep the key only while the outcome is unknown (no answer, or the central unavailable).
    if (reply.status !== 0 && reply.status < 500) sessionStorage.removeItem(KEY);
    if (reply.ok) {
      const order = reply.data.order;
      replace($("checkout-result"), [el("p", { class: "placed", text: `Order placed: ${money(order.total_cents)} for ${order.lines.length} line(s).` }),
        ...order.dropped.map((dropped) => el("p", { class: "dropped-line", text: dropReason(dropped) }))]);
      showError("");
    } else {
      replace($("checkout-result"), []);
      showError(reply.status >= 500 || reply.status === 0 ? `${reply.data.error} (press Check out again: it is safe)` : reply.data.error);
    }
    await refresh();
  });

  $("sign-out").addEventListener("click", async () => {
    await post("/api/shop/signout", {});
    location.reload();
  });

  setInterval(() => {
    for (const cell of document.querySelectorAll("#cart td.expiry")) {
      const line = cart.lines.find((l) => l.expires_at === cell.dataset.expiresAt);
      if (line) cell.textContent = heldUntil(line);
    }
  }, 1000);

  follow("/events/catalog", renderCatalog);
  refresh();
})();
