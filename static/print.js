// The print button on pages meant for paper (activation cards). Without JavaScript it stays hidden
// and the browser's own Print menu does the same.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
