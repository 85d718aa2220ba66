// The door's scanner: camera frames go to the vendored jsQR decoder; a code read is posted
// (with the page's CSRF token in X-CSRFToken) and the answer shown green or red.
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root || !window.jsQR) { return; }
  var video = document.getElementById("scan-video");
  var start = document.getElementById("scan-start");
  var box = document.getElementById("scan-result");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var busy = false;
  var last = "";
  var lastAt = 0;

  function show(data) {
    box.hidden = false;
    box.className = "scan-result " + (data.ok ? "ok" : "refused");
    box.querySelector(".scan-title").textContent = data.ok ? root.dataset.ok : root.dataset.refused;
    box.querySelector(".scan-name").textContent =
      [data.name, data.organisation].filter(Boolean).join(", ");
    box.querySelector(".scan-detail").textContent = data.ok
      ? root.dataset.guests + " " + data.guests + " / " + data.expected
      : data.reason;
    var link = box.querySelector(".scan-link");
    link.hidden = !data.url;
    if (data.url) { link.href = data.url; link.textContent = root.dataset.open; }
  }

  function send(code) {
    busy = true;
    fetch(root.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify({ code: code })
    }).then(function (response) { return response.json(); })
      .then(show)
      .catch(function () { show({ ok: false, reason: root.dataset.cameraError }); })
      .then(function () { busy = false; });
  }

  function frame() {
    if (!busy && video.readyState >= 2 && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height);
      // The same code held up to the camera is sent once, not thirty times a second.
      if (found && found.data && (found.data !== last || Date.now() - lastAt > 5000)) {
        last = found.data;
        lastAt = Date.now();
        send(found.data);
      }
    }
    window.requestAnimationFrame(frame);
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        start.hidden = true;
        return video.play();
      })
      .then(function () { window.requestAnimationFrame(frame); })
      .catch(function () { show({ ok: false, reason: root.dataset.cameraError }); });
  });
  start.hidden = false;
}());
