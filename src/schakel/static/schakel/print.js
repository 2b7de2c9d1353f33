// A "print" button: any element with data-print prints the page (no inline scripts, for CSP).
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
