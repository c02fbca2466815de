// Keyboard decisions on the moderation queue (progressive enhancement: the buttons work alone).
// J and K move between entries; A approves the entry in focus; R rejects it with the reason
// chosen in its form. Keys typed into a field are left alone. Officers can turn the shortcuts
// off (WCAG 2.1.4: speech input or a slip of the finger must not approve anything); this
// browser remembers the choice.
const STORAGE_KEY = "engage-queue-shortcuts";
const toggle = document.getElementById("queue-shortcuts-on");

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage blocked: the shortcuts stay on for this page
  }
}

if (toggle) {
  toggle.checked = stored() !== "off";
  toggle.addEventListener("change", () => {
    try {
      localStorage.setItem(STORAGE_KEY, toggle.checked ? "on" : "off");
    } catch {
      // storage blocked: the choice lasts until the page is left
    }
  });
  document.getElementById("queue-shortcuts").hidden = false;
}

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
  if (toggle && !toggle.checked) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const actions = { j: () => move(1), k: () => move(-1), a: () => press("approve"), r: () => press("reject") };
  const act = actions[event.key.toLowerCase()];
  if (act) {
    event.preventDefault();
    act();
  }
});
