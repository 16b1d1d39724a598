// Headquarters: branch revenue and loss per day, flagged reports, inventory value, top products.
"use strict";

(() => {
  const { el, replace, money, follow, post } = Page;
  const $ = (id) => document.getElementById(id);
  const cell = (text, num) => el("td", { class: num ? "num" : "", text });

  // A day the branch has not reported yet says so: its reported figures are not $0, they are not in.
  function check(day) {
    if (day.reported === false) return "pending: not reported yet";
    return day.flagged ? "report and stream disagree" : "ok";
  }

  function render(hq) {
    replace($("hq-days").tBodies[0], hq.days.map((day) => {
      const pending = day.reported === false;
      return el("tr", { class: day.flagged ? "flagged" : pending ? "pending" : "" }, cell(day.branch), cell(day.day),
        cell(pending ? "pending" : money(day.revenue_cents), true), cell(pending ? "pending" : money(day.loss_cents), true),
        cell(money(day.streamed_revenue_cents), true), cell(day.transactions, true), cell(check(day)));
    }));
    const flagged = hq.days.filter((day) => day.flagged);
    replace($("hq-flagged"), flagged.length ? flagged.map((day) =>
      el("li", { text: `${day.branch} ${day.day}: reported ${money(day.revenue_cents)}, streamed ${money(day.streamed_revenue_cents)}` }))
      : [el("li", { class: "note", text: "none" })]);
    replace($("hq-inventory").tBodies[0], hq.inventory.map((row) =>
      el("tr", {}, cell(row.branch), cell(row.units, true), cell(money(row.value_cents), true))));
    replace($("hq-top").tBodies[0], hq.top.map((row) =>
      el("tr", {}, cell(row.product), cell(row.units, true), cell(money(row.revenue_cents), true))));
  }

  $("hq-logout").addEventListener("click", async () => {
    await post("/api/hq/logout", {});
    location.reload();
  });
  follow("/events/hq", render);
})();
