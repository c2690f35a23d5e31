// The "Print timeline" button: the print stylesheet (cases.css) hides navigation, tabs and forms.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) { window.print(); }
});
