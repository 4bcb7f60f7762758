// Drag-and-drop on the work-order board: dropping a card on another column sends the same
// move its buttons send; the server decides whether the move is allowed.
(function () {
  "use strict";
  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".wo-card");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    card.classList.add("dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".cards.drop-target").forEach(function (el) {
      el.classList.remove("drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".cards");
    if (!column || !dragged || column.dataset.status === dragged.dataset.status) return;
    event.preventDefault();
    column.classList.add("drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".cards");
    if (column) column.classList.remove("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".cards");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    var to = column.dataset.status;
    if (to === dragged.dataset.status) return;
    if (to === "completed") {
      // Completing needs resolution notes: open the work order instead.
      window.location.href = dragged.querySelector("h3 a").href + "#status-actions";
      return;
    }
    htmx.ajax("POST", dragged.dataset.moveUrl, {
      source: dragged,
      swap: "none",
      values: { to: to, version: dragged.dataset.version, from: "board" }
    });
  });
})();
