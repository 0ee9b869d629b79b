// Copy the feed address; the field stays selectable for browsers without the clipboard API.
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  var field = document.getElementById(button.dataset.copyTarget);
  // The whole address is chosen on entering the field, ready to copy by hand.
  field.addEventListener("focus", function () { field.select(); });
  button.addEventListener("click", function () {
    field.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(function () { button.textContent = "Copied"; });
    }
  });
});
