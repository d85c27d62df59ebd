import { useEffect, useState } from "react";
import { api, session } from "./api";
import { usePage, pathOf, type Page } from "./hooks";
import { liveFeed, type LiveMode } from "./live";
import type { User } from "./types";
import { Login } from "./views/Login";
import { Dashboard } from "./views/Dashboard";
import { AlertRules } from "./views/AlertRules";
import { Notifications, useUnreadCount } from "./views/Notifications";
import { Settings } from "./views/Settings";

export function App() {
  const [user, setUser] = useState<User | null>(session.user);
  const [resuming, setResuming] = useState(session.hasRefreshToken());

  useEffect(() => session.onChange(setUser), []);
  useEffect(() => {
    if (!resuming) return;
    api.resume().finally(() => setResuming(false));
  }, [resuming]);

  useEffect(() => {
    if (user) liveFeed.start();
    else liveFeed.stop();
  }, [user]);

  if (resuming) return <div className="splash" role="status">Loading…</div>;
  if (!user) return <Login />;
  return <Shell user={user} />;
}

const nav: { page: Page; label: string }[] = [
  { page: "dashboard", label: "Dashboard" },
  { page: "alerts", label: "Alert rules" },
  { page: "notifications", label: "Notifications" },
  { page: "settings", label: "Preferences" },
];

function Shell({ user }: { user: User }) {
  const [page, go] = usePage();
  const [mode, setMode] = useState<LiveMode>(liveFeed.mode);
  const unread = useUnreadCount();
  useEffect(() => liveFeed.onMode(setMode), []);

  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/" onClick={(e) => { e.preventDefault(); go("dashboard"); }}>
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 12l4-4 3 3 6-7" /></svg>
          Stock Tracker
        </a>
        <nav aria-label="Main">
          {nav.map((n) => (
            <a key={n.page} href={pathOf(n.page)} aria-current={page === n.page ? "page" : undefined}
               onClick={(e) => { e.preventDefault(); go(n.page); }}>
              {n.label}
              {n.page === "notifications" && unread.count > 0 && (
                <span className="badge" aria-label={`${unread.count} unread`}>{unread.count > 99 ? "99+" : unread.count}</span>
              )}
            </a>
          ))}
        </nav>
        <div className="topbar-right">
          <span className={`live live-${mode}`} title={modeTitle[mode]} data-testid="live-mode">
            <span className="dot" aria-hidden="true" />{modeLabel[mode]}
          </span>
          <span className="who" title={user.email}>{user.display_name || user.email}</span>
          <button className="ghost" onClick={() => void api.logout()}>Sign out</button>
        </div>
      </header>
      <main>
        {page === "dashboard" && <Dashboard />}
        {page === "alerts" && <AlertRules />}
        {page === "notifications" && <Notifications onChange={unread.refresh} />}
        {page === "settings" && <Settings />}
      </main>
    </div>
  );
}

const modeLabel: Record<LiveMode, string> = {
  connecting: "Connecting", live: "Live", polling: "Polling", stopped: "Offline",
};
const modeTitle: Record<LiveMode, string> = {
  connecting: "Connecting to the live feed",
  live: "Prices stream over a WebSocket",
  polling: "The live feed is unavailable; prices refresh every few seconds",
  stopped: "Not connected",
};
