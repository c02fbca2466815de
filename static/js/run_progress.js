// Progressive enhancement of a run's progress page: ask for the run's status every few
// seconds and update the bar in place; reload the page when the run has finished. Without
// JavaScript the "Check again" link does the same.
const box = document.getElementById("progress");

async function check() {
  const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const status = await response.json();
  if (status.finished) {
    window.location.reload();
    return;
  }
  box.querySelector("progress").value = status.progress;
  box.querySelector("label").textContent = status.stage || "Waiting to start";
  document.getElementById("progress-text").textContent = `${status.progress}% done.`;
  window.setTimeout(check, 2000);
}

if (box) window.setTimeout(check, 2000);
