// Shared helpers of the pages. Every value from the network reaches the page through
// textContent (never innerHTML), so a name like <script> shows as text.
"use strict";

const Page = (() => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function replace(parent, nodes) {
    parent.replaceChildren(...nodes);
  }

  function money(cents) {
    const sign = cents < 0 ? "-" : "";
    const abs = Math.abs(cents);
    const whole = Math.floor(abs / 100).toLocaleString("en-US");
    return `${sign}$${whole}.${String(abs % 100).padStart(2, "0")}`;
  }

  function clock(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : "";
  }

  async function post(url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body || {}),
      });
    } catch (error) {
      return { ok: false, status: 0, data: { error: "The web node did not answer; try again." } };
    }
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    return { ok: response.ok, status: response.status, data };
  }

  async function get(url) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      return { ok: response.ok, status: response.status, data: await response.json() };
    } catch (error) {
      return { ok: false, status: 0, data: { error: "The web node did not answer." } };
    }
  }

  function follow(url, onData) {
    const badge = document.getElementById("connection");
    const source = new EventSource(url);
    source.onopen = () => { badge.textContent = "live"; badge.className = "connection live"; };
    source.onerror = () => { badge.textContent = "reconnecting…"; badge.className = "connection down"; };
    source.onmessage = (event) => onData(JSON.parse(event.data));
    return source;
  }

  return { el, replace, money, clock, post, get, follow };
})();
