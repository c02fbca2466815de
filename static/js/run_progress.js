// Progressive enhancement of a run's progress page: ask for the run's status every few
// seconds and update the bar in place; reload the page when the run has finished. Without
// JavaScript the "Check again" link does the same.
const box = document.getElementById("progress");

async function runStatus() {
  const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`status ${response.status}`);
  return response.json();
}

async function check() {
  let status;
  try {
    status = await runStatus();
  } catch {
    // The database busy or the connection dropped: the run carries on, so ask again.
    window.setTimeout(check, 5000);
    return;
  }
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
