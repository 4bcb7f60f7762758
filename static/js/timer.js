// Keeps a running labour timer's elapsed time current on the page (the server rendered it
// once; without this script it stays as rendered).
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var clocks = document.querySelectorAll("time.elapsed[data-started]");
    for (var i = 0; i < clocks.length; i++) {
      var started = Date.parse(clocks[i].getAttribute("data-started"));
      if (isNaN(started)) { continue; }
      var minutes = Math.max(0, Math.floor((Date.now() - started) / 60000));
      clocks[i].textContent = Math.floor(minutes / 60) + " h " + pad(minutes % 60) + " min";
    }
  }
  setInterval(tick, 30000);
})();
