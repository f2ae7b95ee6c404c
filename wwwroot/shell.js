// The shell's two disclosures: the navigation drawer under 900 px and the account menu. The shell
// has no circuit, so they work on plain pages too; delegated listeners survive enhanced navigation.
(() => {
  const setNavigation = open => {
    document.body.toggleAttribute("data-nav-open", open);
    document.querySelectorAll("[data-nav-toggle]").forEach(b => b.setAttribute("aria-expanded", String(open)));
  };
  const closeMenus = except => document.querySelectorAll("details.account-menu[open]").forEach(d => { if (d !== except) d.open = false; });

  document.addEventListener("click", event => {
    const toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      const open = !document.body.hasAttribute("data-nav-open");
      setNavigation(open);
      if (open) document.querySelector("#portal-nav a")?.focus();
      return;
    }
    if (event.target.closest("#portal-nav a") || !event.target.closest("#portal-nav")) setNavigation(false);
    closeMenus(event.target.closest("details.account-menu"));
  });
  document.addEventListener("keydown", event => {
    if (event.key !== "Escape") return;
    const menu = document.querySelector("details.account-menu[open]");
    if (menu) { menu.open = false; menu.querySelector("summary").focus(); }
    if (document.body.hasAttribute("data-nav-open")) { setNavigation(false); document.querySelector("[data-nav-toggle]")?.focus(); }
  });
  // A dialog's first focus goes where its markup says (data-initial-focus: Cancel in a confirmation, the
  // comment in a decision). MudBlazor's focus trap otherwise parks it on a blank element of its own,
  // from where Tab and Enter do nothing useful; this moves it once, the first time focus enters.
  document.addEventListener("focusin", event => {
    const dialog = event.target.closest?.(".mud-dialog");
    const wanted = dialog?.querySelector("[data-initial-focus]:not([data-initial-focused])");
    if (!wanted) return;
    const target = wanted.matches("input, textarea, button, select") ? wanted : wanted.querySelector("input, textarea") ?? wanted;
    wanted.setAttribute("data-initial-focused", "");
    if (event.target !== target) target.focus();
  });
  // The browser's time zone, so the server writes times as the reader reads them (UserClock).
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes("enrollment-tz=" + encodeURIComponent(zone))) {
    document.cookie = `enrollment-tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax; secure`;
  }
  // A page reached by enhanced navigation starts with the drawer closed.
  window.Blazor?.addEventListener?.("enhancedload", () => setNavigation(false));
})();
