// Warns a member of staff 2 minutes before their idle session ends (WCAG 2.2.1) and keeps it
// with one button. Progressive enhancement: without it, the session still ends as before.
const dialog = document.getElementById("session-timeout");

if (dialog && typeof dialog.showModal === "function") {
  const idle = Number(dialog.dataset.idleSeconds) * 1000;
  const warn = Number(dialog.dataset.warnSeconds) * 1000;
  const heading = document.getElementById("session-timeout-heading");
  const text = document.getElementById("session-timeout-text");
  const stay = document.getElementById("session-timeout-stay");
  let timer;
  let ended = false;
  let returnTo = null;

  const end = () => {
    ended = true;
    heading.textContent = "You have been signed out";
    text.textContent =
      "Nothing you typed on this page since has been saved. Copy it now if you need it, then sign in again.";
    stay.textContent = "Close";
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      returnTo = document.activeElement;
      dialog.showModal();
      timer = setTimeout(end, warn);
    }, Math.max(idle - warn, 0));
  };

  const keep = async () => {
    if (!ended) {
      const response = await fetch(dialog.dataset.keepUrl, { cache: "no-store" });
      if (!response.ok) {
        end();
        return;
      }
      schedule();
    }
    dialog.close();
  };

  stay.addEventListener("click", keep);
  // Escape means "not now", not "sign me out": it keeps the session too.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    keep();
  });
  dialog.addEventListener("close", () => returnTo?.focus());
  schedule();
}
