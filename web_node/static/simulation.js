// The lecturer's simulation controls: pause and resume the month (the central's clock), choose the pace.
"use strict";

(() => {
  const { post, get } = Page;
  const $ = (id) => document.getElementById(id);

  function describePace(state) {
    if (!state || !state.pace) return;
    const next = state.next_pace === state.pace ? "" :
      `; ${state.next_pace} (${state.next_month_seconds} s months) from the next month the launcher opens`;
    $("simulation-pace-note").textContent = `Pace ${state.pace} (${state.month_seconds} s months) now${next}.`;
    $("simulation-pace").value = state.next_pace;
  }

  async function act(body, done) {
    const reply = await post("/api/simulation", body);
    $("simulation-result").textContent = reply.ok ? done(reply.data) : reply.data.error;
    if (reply.ok) describePace(reply.data);
  }

  $("simulation-pause").addEventListener("click", () =>
    act({ action: "pause" }, (data) => `Month ${data.month} paused.`));
  $("simulation-resume").addEventListener("click", () =>
    act({ action: "resume" }, (data) => `Month ${data.month} resumed.`));
  $("simulation-pace-set").addEventListener("click", () => {
    const pace = $("simulation-pace").value;
    act({ action: "pace", pace }, () => `Pace ${pace} applies from the next month the launcher opens.`);
  });

  get("/api/simulation").then((reply) => { if (reply.ok) describePace(reply.data); });
})();
