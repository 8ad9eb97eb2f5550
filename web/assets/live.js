// Live updates: the server says when a thread moved on (a pass, a CLI approval, another tab), and the
// page fetches itself again and swaps its main part. A form someone is typing in is left alone.
(function () {
  const badge = document.getElementById("live");
  if (!("EventSource" in window)) return;
  let busy = false;
  const typing = () => {
    const active = document.activeElement;
    return active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.value !== active.defaultValue;
  };
  async function refresh() {
    if (busy || typing()) return;
    busy = true;
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
    }
  }
  const source = new EventSource("/live");
  source.addEventListener("open", () => badge && badge.classList.add("on"));
  source.addEventListener("error", () => badge && badge.classList.remove("on"));
  source.addEventListener("change", refresh);
})();
