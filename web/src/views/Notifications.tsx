import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { formatAge } from "../format";
import { liveFeed } from "../live";
import type { Notification } from "../types";

const POLL_MS = 20_000;

/// The API lists one row per alert and channel; the centre is the in-app
/// channel, so an alert also sent by e-mail is not shown twice.
const inApp = (items: Notification[]) => items.filter((n) => n.channel === "in_app");

/// The unread count for the navigation badge: refreshed by notification
/// frames and, without the socket, every 20 seconds.
export function useUnreadCount(): { count: number; refresh: () => void } {
  const [count, setCount] = useState(0);
  const refresh = useCallback(() => {
    api.notifications({ unread: true, limit: 100 }).then((r) => setCount(inApp(r.items).length), () => undefined);
  }, []);
  useEffect(() => {
    refresh();
    const t = window.setInterval(() => { if (liveFeed.mode !== "live") refresh(); }, POLL_MS);
    const off = liveFeed.onFrame((f) => { if (f.type === "notification" || f.type === "alert") refresh(); });
    return () => { window.clearInterval(t); off(); };
  }, [refresh]);
  return { count, refresh };
}

/// The notifications centre: newest first, pages by cursor, mark one or all read.
export function Notifications({ onChange }: { onChange: () => void }) {
  const [items, setItems] = useState<Notification[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (append: string | null) => {
    setBusy(true);
    try {
      const r = await api.notifications({ unread: unreadOnly, cursor: append, limit: 20 });
      setItems((prev) => (append && prev ? [...prev, ...inApp(r.items)] : inApp(r.items)));
      setCursor(r.next_cursor);
      setError(null);
      onChange();  // the badge follows what the list shows
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }, [unreadOnly, onChange]);

  useEffect(() => { void load(null); }, [load]);
  useEffect(() => liveFeed.onFrame((f) => { if (f.type === "notification") void load(null); }), [load]);

  async function markRead(ids: number[] | "all") {
    try {
      await api.markRead(ids);
      setItems((prev) => prev?.map((n) => (ids === "all" || ids.includes(n.id) ? { ...n, read: true } : n)) ?? prev);
      onChange();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const unread = items?.filter((n) => !n.read).length ?? 0;
  return (
    <section className="card page" aria-labelledby="notif-title">
      <div className="section-head">
        <h1 id="notif-title">Notifications</h1>
        <div className="row">
          <label className="check">
            <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread only
          </label>
          <button className="ghost" onClick={() => void load(null)} disabled={busy}>Refresh</button>
          <button className="primary" onClick={() => void markRead("all")} disabled={unread === 0}>Mark all read</button>
        </div>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {items === null && !error && <div className="skeleton-row" role="status" aria-label="Loading notifications" />}
      {items?.length === 0 && (
        <p className="empty">No notifications yet. They appear here when one of your alert rules fires.</p>
      )}
      <ul className="notif-list" data-testid="notifications">
        {items?.map((n) => (
          <li key={n.id} className={n.read ? "read" : "unread"}>
            <span className="dot" aria-label={n.read ? "read" : "unread"} />
            <div className="notif-body">
              <strong>{n.title}</strong>
              {n.body && <p className="small">{n.body}</p>}
              <div className="muted small">
                <time dateTime={n.created_at}>{formatAge(Date.parse(n.created_at))}</time>
              </div>
            </div>
            {!n.read && <button className="ghost small" onClick={() => void markRead([n.id])}>Mark read</button>}
          </li>
        ))}
      </ul>
      {cursor && <button className="ghost" onClick={() => void load(cursor)} disabled={busy}>Older notifications</button>}
    </section>
  );
}
