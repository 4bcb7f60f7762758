// Drag-and-drop on the dispatch calendar: dropping a booking or a waiting card on a person's
// day (or hour) sends the same booking its form sends; the server decides, and answers with
// the calendar (and a confirmation to give when the person is already booked then).
(function () {
  "use strict";
  var dragged = null;

  function card(target) {
    return target.closest && target.closest(".sched-block[draggable], .sched-card[draggable]");
  }

  function slot(target) {
    return target.closest && target.closest(".schedule-grid td.slot");
  }

  document.addEventListener("dragstart", function (event) {
    var el = card(event.target);
    if (!el) return;
    dragged = el;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", el.dataset.url);
    el.classList.add("dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".slot.drop-target").forEach(function (el) {
      el.classList.remove("drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var cell = slot(event.target);
    if (!cell || !dragged) return;
    event.preventDefault();
    cell.classList.add("drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var cell = slot(event.target);
    if (cell) cell.classList.remove("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var cell = slot(event.target);
    if (!cell || !dragged) return;
    event.preventDefault();
    cell.classList.remove("drop-target");
    var grid = cell.closest(".schedule-grid");
    // A day's hour sets the time; a week's day keeps the booking's time (08:00 for new ones).
    var time = cell.dataset.time || dragged.dataset.time || "08:00";
    var values = {
      assignee: cell.dataset.person,
      date: cell.dataset.date,
      time: time,
      version: dragged.dataset.version,
      zone: grid.dataset.zone,
      back: grid.dataset.back
    };
    if (dragged.dataset.minutes) values.minutes = dragged.dataset.minutes;
    htmx.ajax("POST", dragged.dataset.url, {
      source: dragged,
      target: "#calendar",
      swap: "innerHTML",
      values: values
    });
  });
})();
