import { api } from "../api";
import { formatAge } from "../format";
import { useLoad } from "../hooks";

function sentimentClass(label: string | undefined): string {
  if (label === "positive") return "up";
  if (label === "negative") return "down";
  return "flat";
}

/// The company's latest articles with their sentiment (null until scored).
export function NewsPanel({ symbol }: { symbol: string }) {
  const news = useLoad(() => api.news(symbol, 8), [symbol]);
  return (
    <section className="card news" aria-labelledby="news-title">
      <div className="section-head">
        <h2 id="news-title">News</h2>
        <button className="ghost small" onClick={news.reload} aria-label={`Refresh ${symbol} news`}>Refresh</button>
      </div>
      {news.loading && !news.data && <div className="skeleton-row" role="status" aria-label="Loading news" />}
      {news.error && <p className="error" role="alert">Could not load the news: {news.error}</p>}
      {news.data && news.data.items.length === 0 && <p className="empty">No articles mention {symbol} yet.</p>}
      <ul className="news-list">
        {news.data?.items.map((n) => (
          <li key={n.id}>
            <div className="news-meta small muted">
              <span>{n.source}</span> · <time dateTime={new Date(n.published_ts).toISOString()}>{formatAge(n.published_ts)}</time>
              {n.sentiment ? (
                <span className={`pill ${sentimentClass(n.sentiment.label)}`} title={`sentiment score ${n.sentiment.score.toFixed(2)}`}>
                  {n.sentiment.label} {n.sentiment.score > 0 ? "+" : ""}{n.sentiment.score.toFixed(2)}
                </span>
              ) : <span className="pill flat">not scored</span>}
            </div>
            {/^https?:\/\//.test(n.url)
              ? <a href={n.url} target="_blank" rel="noopener noreferrer" className="news-title">{n.title}</a>
              : <span className="news-title">{n.title}</span>}
            {n.summary && <p className="small">{n.summary}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
