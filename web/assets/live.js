// Live updates: the server says what moved (a pass, a CLI approval, another tab): which threads, which
// pages changed as a whole, and how many threads wait. The page fetches itself again, and swaps its
// main part, only when that concerns what it shows: its kind of page (body data-page) changed as a
// whole, or one of the threads it shows (main data-shown) moved. Otherwise only the count in the header
// is brought up to date. While something is typed in one of the page's forms and not sent, the page is
// left alone (a swap would lose it); what changed meanwhile is fetched once that is undone.
(function () {
  const badge = document.getElementById("live");
  if (!("EventSource" in window)) return;
  let busy = false;
  let again = false;
  // Something typed (or picked) in any of the page's forms and not sent yet: a swap would lose it.
  const edited = (field) => {
    if (field.tagName !== "SELECT") return field.value !== field.defaultValue;
    return (
      field.selectedIndex !==
      Math.max(
        0,
        [...field.options].findIndex((option) => option.defaultSelected),
      )
    );
  };
  const typing = () => [...document.querySelectorAll("#main input, #main textarea, #main select")].some(edited);
  const concerns = (change) => {
    const shown = (document.getElementById("main").dataset.shown || "").split(" ").filter(Boolean);
    return change.pages.includes(document.body.dataset.page) || change.threads.some((thread) => shown.includes(thread));
  };
  function count(waiting) {
    const link = document.querySelector('header nav a[href="/inbox"]');
    if (!link || typeof waiting !== "number") return;
    const old = link.querySelector(".count");
    if (old) old.remove();
    if (waiting > 0) {
      const span = document.createElement("span");
      span.className = "count";
      span.textContent = String(waiting);
      link.append(" ", span);
    }
  }
  async function refresh() {
    if (busy || typing()) {
      // Fetched again once the fetch in flight is in, or the field is left.
      again = true;
      return;
    }
    busy = true;
    again = false;
    try {
      const response = await fetch(location.href, { headers: { accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      const next = new DOMParser().parseFromString(await response.text(), "text/html");
      const main = next.getElementById("main");
      const header = next.querySelector("header nav");
      if (main) document.getElementById("main").replaceWith(main);
      if (header) document.querySelector("header nav").replaceWith(header);
      document.dispatchEvent(new CustomEvent("leanos:refreshed"));
    } finally {
      busy = false;
      if (again) refresh();
    }
  }
  const source = new EventSource("/live");
  // "ready" comes once the server watches for changes on this page's behalf (on every reconnection too).
  source.addEventListener("ready", () => badge && badge.classList.add("on"));
  source.addEventListener("error", () => badge && badge.classList.remove("on"));
  source.addEventListener("change", (event) => {
    let change;
    try {
      change = JSON.parse(event.data);
    } catch {
      return;
    }
    if (concerns(change)) refresh();
    else count(change.waiting);
  });
  // A change held back while something was typed is fetched once that is undone.
  for (const name of ["input", "focusout"]) {
    document.addEventListener(name, () => {
      if (again && !busy && !typing()) refresh();
    });
  }
})();
