// Arrivals on the event page, kept current while the doors are open: a GET every 20 seconds.
(function () {
  "use strict";
  var root = document.getElementById("arrivals");
  if (!root) { return; }
  function cell(row, text) { var td = document.createElement("td"); td.textContent = text; row.appendChild(td); }
  function update(data) {
    document.getElementById("arrivals-count").textContent = data.label;
    var bar = document.getElementById("arrivals-progress");
    bar.max = data.expected || 1;
    bar.value = data.arrived;
    var table = document.getElementById("arrivals-table");
    var body = table.tBodies[0];
    body.textContent = "";
    data.slots.forEach(function (slot) {
      var row = document.createElement("tr");
      cell(row, slot[0]); cell(row, slot[1]); cell(row, slot[2]);
      body.appendChild(row);
    });
    table.hidden = data.slots.length === 0;
  }
  window.setInterval(function () {
    if (document.hidden) { return; }
    fetch(root.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { update(data); } })
      .catch(function () {});
  }, 20000);
}());
