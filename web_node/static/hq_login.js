// Headquarters' login: the key goes to the web node once; it answers with an HttpOnly cookie.
"use strict";

(() => {
  const form = document.getElementById("hq-login");
  document.getElementById("connection").textContent = "";
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reply = await Page.post("/api/hq/login", { key: document.getElementById("operator-key").value });
    if (reply.ok) location.reload();
    else document.getElementById("login-error").textContent = reply.data.error || "Refused.";
  });
})();
