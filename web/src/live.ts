// Live prices, candles and notifications: the WebSocket /ws when the server
// offers it, polling GET /api/quotes?symbols= every few seconds when it does
// not (or while it reconnects), so the dashboard works either way.
//
// Connection (docs/websocket.md): a one-use ticket from POST /api/ws/ticket
// in the query string (a browser cannot set an Authorization header on a
// WebSocket), then {"type":"subscribe","symbols":[...]} and
// {"type":"unsubscribe","symbols":[...]}; the server sends tick, candle,
// alert and notification frames.
import { api, session } from "./api";
import { parseFrame, type LiveFrame, type TickFrame } from "./frames";
import type { Quote } from "./types";

export type LiveMode = "connecting" | "live" | "polling" | "stopped";

type FrameListener = (frame: LiveFrame) => void;
type ModeListener = (mode: LiveMode) => void;

const POLL_MS = 3000;
const MAX_BACKOFF_MS = 30_000;
/// The server follows at most 50 symbols per connection (docs/websocket.md);
/// a longer watchlist gets the rest by polling, 100 symbols per request.
const MAX_SOCKET_SYMBOLS = 50;
const MAX_QUOTES_PER_REQUEST = 100;

export class LiveFeed {
  private socket: WebSocket | null = null;
  private symbols = new Set<string>();
  private frameListeners = new Set<FrameListener>();
  private modeListeners = new Set<ModeListener>();
  private pollTimer: number | null = null;
  private reconnectTimer: number | null = null;
  private backoff = 1000;
  private stopped = true;
  mode: LiveMode = "stopped";
  /// The latest tick per symbol, so that a view mounted later starts from
  /// the last known price instead of waiting for the next tick.
  readonly latest = new Map<string, TickFrame>();

  onFrame(l: FrameListener): () => void {
    this.frameListeners.add(l);
    return () => this.frameListeners.delete(l);
  }

  onMode(l: ModeListener): () => void {
    this.modeListeners.add(l);
    l(this.mode);
    return () => this.modeListeners.delete(l);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.startPolling();  // prices at once, even before the socket opens
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.latest.clear();
    if (this.reconnectTimer !== null) window.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPolling();
    const s = this.socket;
    this.socket = null;
    s?.close(1000, "signed out");
    this.setMode("stopped");
  }

  /// The symbols whose ticks and candles this page wants.
  setSymbols(symbols: Iterable<string>): void {
    const next = new Set(symbols);
    const added = [...next].filter((s) => !this.symbols.has(s));
    const before = this.socketSymbols();
    this.symbols = next;
    if (this.isOpen()) {
      const after = this.socketSymbols();
      const subscribe = [...after].filter((s) => !before.has(s));
      const unsubscribe = [...before].filter((s) => !after.has(s));
      if (subscribe.length) this.send({ type: "subscribe", symbols: subscribe });
      if (unsubscribe.length) this.send({ type: "unsubscribe", symbols: unsubscribe });
      if (this.symbols.size > MAX_SOCKET_SYMBOLS) this.startPolling();  // the overflow
      else this.stopPolling();
    }
    // The socket sends only ticks to come: ask for the current price at once.
    if (added.length) void this.poll(added);
  }

  /// The symbols the socket follows: the first 50 of the watchlist.
  private socketSymbols(): Set<string> {
    return new Set([...this.symbols].slice(0, MAX_SOCKET_SYMBOLS));
  }

  private isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  private setMode(mode: LiveMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.modeListeners.forEach((l) => l(mode));
  }

  private emit(frame: LiveFrame): void {
    if (frame.type === "tick") this.latest.set(frame.symbol, frame);  // arrival order, as the tiles
    this.frameListeners.forEach((l) => l(frame));
  }

  private send(message: unknown): void {
    this.socket?.send(JSON.stringify(message));
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    if (this.mode !== "polling") this.setMode("connecting");
    let ticket: string;
    try {
      ticket = (await api.wsTicket()).ticket;
    } catch {
      this.scheduleReconnect();  // no WebSocket on this server (yet): keep polling
      return;
    }
    if (this.stopped || !session.token) return;
    const url = new URL(`/ws?ticket=${encodeURIComponent(ticket)}`, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.backoff = 1000;
      if (this.symbols.size <= MAX_SOCKET_SYMBOLS) this.stopPolling();
      this.setMode("live");
      if (this.symbols.size) this.send({ type: "subscribe", symbols: [...this.socketSymbols()] });
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      const frame = parseFrame(event.data);
      if (frame) this.emit(frame);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
    socket.onerror = () => socket.close();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.startPolling();
    this.setMode("polling");
    const delay = this.backoff * (0.75 + Math.random() * 0.5);  // jitter: tabs do not reconnect in step
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    this.reconnectTimer = window.setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
  }

  private startPolling(): void {
    if (this.pollTimer !== null) return;
    void this.poll();
    this.pollTimer = window.setInterval(() => void this.poll(), POLL_MS);
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) window.clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  /// `only` given: those symbols once; otherwise the ones the socket does not follow (all of them
  /// while there is no socket).
  private async poll(only?: string[]): Promise<void> {
    if (this.stopped || this.symbols.size === 0 || !session.token) return;
    const followed = this.isOpen() ? this.socketSymbols() : new Set<string>();
    const symbols = only ?? [...this.symbols].filter((s) => !followed.has(s));
    for (let i = 0; i < symbols.length; i += MAX_QUOTES_PER_REQUEST) {
      try {
        const answer = await api.quotes(symbols.slice(i, i + MAX_QUOTES_PER_REQUEST));
        answer.quotes.forEach((q: Quote) => this.emit({ type: "tick", ...q, polled: true }));
      } catch {
        return;  // the next poll tries again; tiles keep their last price
      }
    }
  }
}

export const liveFeed = new LiveFeed();
