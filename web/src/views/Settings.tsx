import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { useLoad } from "../hooks";
import type { Preferences } from "../types";

const channelLabels: { key: keyof Preferences["channels"]; label: string }[] = [
  { key: "in_app", label: "In the app" },
  { key: "email", label: "E-mail" },
  { key: "sms", label: "SMS (needs a phone number)" },
  { key: "push", label: "Browser push" },
];

/// Notification preferences (GET/PUT /api/users/preferences).
export function Settings() {
  const loaded = useLoad(() => api.preferences(), []);
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [quiet, setQuiet] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!loaded.data) return;
    setPrefs(loaded.data);
    setQuiet(loaded.data.quiet_hours !== null);
  }, [loaded.data]);

  if (loaded.error) return <section className="card page"><p className="error" role="alert">Could not load your preferences: {loaded.error}</p></section>;
  if (!prefs) return <section className="card page"><div className="skeleton-row" role="status" aria-label="Loading preferences" /></section>;

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const hours = prefs.quiet_hours ?? { start: "22:00", end: "07:00", time_zone: zone };

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!prefs) return;
    setBusy(true);
    setMessage(null);
    try {
      const saved = await api.savePreferences({
        channels: prefs.channels,
        price_change_threshold: prefs.price_change_threshold,
        phone: prefs.phone?.trim() ? prefs.phone.trim() : null,
        quiet_hours: quiet ? hours : null,
      });
      setPrefs(saved);
      setMessage({ ok: true, text: "Preferences saved." });
    } catch (err) {
      const field = err instanceof ApiError && err.field ? ` (${err.field})` : "";
      setMessage({ ok: false, text: `${err instanceof Error ? err.message : String(err)}${field}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card page narrow" aria-labelledby="prefs-title">
      <h1 id="prefs-title">Preferences</h1>
      <form onSubmit={save} className="prefs">
        <fieldset>
          <legend>Send my alerts</legend>
          {channelLabels.map((c) => (
            <label key={c.key} className="check">
              <input type="checkbox" checked={prefs.channels[c.key]}
                     onChange={(e) => setPrefs({ ...prefs, channels: { ...prefs.channels, [c.key]: e.target.checked } })} />
              {c.label}
            </label>
          ))}
        </fieldset>
        <label>
          Phone (for SMS, international format)
          <input type="tel" autoComplete="tel" placeholder="+15551234567" value={prefs.phone ?? ""}
                 onChange={(e) => setPrefs({ ...prefs, phone: e.target.value })} />
        </label>
        <label>
          Default move alert on tracked companies (% from the previous close)
          <input type="number" min="0.001" max="999.999" step="any" value={prefs.price_change_threshold}
                 onChange={(e) => setPrefs({ ...prefs, price_change_threshold: Number(e.target.value) })} />
        </label>
        <fieldset>
          <legend>Quiet hours</legend>
          <label className="check">
            <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} /> Hold e-mail, SMS and push during quiet hours
          </label>
          {quiet && (
            <div className="row wrap">
              <label>From <input type="time" value={hours.start} onChange={(e) => setPrefs({ ...prefs, quiet_hours: { ...hours, start: e.target.value } })} /></label>
              <label>To <input type="time" value={hours.end} onChange={(e) => setPrefs({ ...prefs, quiet_hours: { ...hours, end: e.target.value } })} /></label>
              <label>Time zone <input type="text" value={hours.time_zone} onChange={(e) => setPrefs({ ...prefs, quiet_hours: { ...hours, time_zone: e.target.value } })} /></label>
            </div>
          )}
        </fieldset>
        {message && <p className={message.ok ? "ok" : "error"} role={message.ok ? "status" : "alert"}>{message.text}</p>}
        <button type="submit" className="primary" disabled={busy}>{busy ? "Saving…" : "Save preferences"}</button>
      </form>
    </section>
  );
}
