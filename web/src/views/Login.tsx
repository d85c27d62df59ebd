import { useState, type FormEvent } from "react";
import { api, ApiError } from "../api";

/// Sign in or create an account; the API's problem detail is shown beside
/// the field it names.
export function Login() {
  const [mode, setMode] = useState<"login" | "register">("login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "login") await api.login(email.trim(), password);
      else await api.register(email.trim(), password, displayName);
    } catch (err) {
      const field = err instanceof ApiError ? err.field : undefined;
      setError({ message: err instanceof Error ? err.message : String(err), field });
    } finally {
      setBusy(false);
    }
  }

  const register = mode === "register";
  return (
    <div className="auth">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="auth-title" noValidate>
        <div className="brand big">
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 12l4-4 3 3 6-7" /></svg>
          Stock Tracker
        </div>
        <h1 id="auth-title">{register ? "Create an account" : "Sign in"}</h1>
        <label>
          E-mail
          <input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)}
                 aria-invalid={error?.field === "email"} />
        </label>
        {register && (
          <label>
            Display name <span className="muted">(optional)</span>
            <input type="text" autoComplete="nickname" maxLength={100} value={displayName}
                   onChange={(e) => setDisplayName(e.target.value)} />
          </label>
        )}
        <label>
          Password
          <input type="password" autoComplete={register ? "new-password" : "current-password"} required
                 minLength={8} maxLength={72} value={password} onChange={(e) => setPassword(e.target.value)}
                 aria-invalid={error?.field === "password"} aria-describedby={register ? "pw-hint" : undefined} />
        </label>
        {register && <p id="pw-hint" className="muted small">8 to 72 characters.</p>}
        {error && <p className="error" role="alert">{error.message}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Please wait…" : register ? "Create account" : "Sign in"}
        </button>
        <p className="switch">
          {register ? "Already have an account?" : "New here?"}{" "}
          <button type="button" className="link" onClick={() => { setMode(register ? "login" : "register"); setError(null); }}>
            {register ? "Sign in" : "Create an account"}
          </button>
        </p>
      </form>
    </div>
  );
}
