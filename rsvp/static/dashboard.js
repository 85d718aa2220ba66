// The dashboard's only script: a "copy link" button. Everything works without it.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var input = document.getElementById(button.getAttribute("data-copy"));
  input.select();
  var done = function () {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied");
    setTimeout(function () { button.textContent = label; }, 2000);
  };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(input.value).then(done, function () {});
  } else if (document.execCommand("copy")) {
    done();
  }
});
