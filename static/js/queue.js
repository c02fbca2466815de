// Keyboard decisions on the moderation queue (progressive enhancement: the buttons work alone).
// J and K move between entries; A approves the entry in focus; R rejects it with the reason
// chosen in its form. Keys typed into a field are left alone.
const items = () => Array.from(document.querySelectorAll(".engage-queue__item"));

function current() {
  return document.activeElement?.closest(".engage-queue__item") || null;
}

function move(step) {
  const list = items();
  if (!list.length) return;
  const index = list.indexOf(current());
  const next = list[Math.min(Math.max(index + step, 0), list.length - 1)];
  next.focus();
  next.scrollIntoView({ block: "nearest" });
}

function press(action) {
  const item = current();
  const button = item?.querySelector(`button[name="action"][value="${action}"]`);
  if (button) button.click();
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const actions = { j: () => move(1), k: () => move(-1), a: () => press("approve"), r: () => press("reject") };
  const act = actions[event.key.toLowerCase()];
  if (act) {
    event.preventDefault();
    act();
  }
});
