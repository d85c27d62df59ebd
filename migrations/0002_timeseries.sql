-- 0002_timeseries: ticks (partitioned by month), candles, news and economic
-- indicators: the tables the store sink fills from Kafka.
--
-- Applied once by `stocktracker migrate` inside a transaction.

-- ---------------------------------------------------------------------------
-- stock_prices: one row per tick, range-partitioned by month of ts (UTC)
-- ---------------------------------------------------------------------------
--
-- No foreign key to companies: a per-row FK trigger would roughly halve the
-- throughput of the sink's bulk COPY, and ingest already validates every
-- symbol (and the stock-prices schema its format) before it is published.
-- For the same reason the row checks here are only the cheap arithmetic ones;
-- the symbol and currency formats are enforced upstream by the schema.
--
-- The primary key contains the tick's Kafka coordinates (src_partition,
-- src_offset): two genuine ticks with the same symbol and timestamp are both
-- kept, while a message stored twice would collide. The sink's offsets live in
-- sink_offsets, committed in the same transaction as the rows.
CREATE TABLE stock_prices (
    symbol        text          NOT NULL,
    ts            timestamptz   NOT NULL,
    price         numeric(18,6) NOT NULL,
    volume        bigint        NOT NULL,
    source        text          NOT NULL,
    currency      char(3)       NOT NULL DEFAULT 'USD',
    src_partition integer       NOT NULL,
    src_offset    bigint        NOT NULL,
    CONSTRAINT stock_prices_pkey PRIMARY KEY (symbol, ts, src_partition, src_offset),
    CONSTRAINT stock_prices_price_positive CHECK (price > 0),
    CONSTRAINT stock_prices_volume_nonnegative CHECK (volume >= 0),
    CONSTRAINT stock_prices_src_partition_nonnegative CHECK (src_partition >= 0),
    CONSTRAINT stock_prices_src_offset_nonnegative CHECK (src_offset >= 0)
) PARTITION BY RANGE (ts);

COMMENT ON TABLE stock_prices IS
    'Every price tick from the stock-prices topic, partitioned by UTC month of ts (stock_prices_yYYYYmMM, created by ensure_stock_price_partitions) with stock_prices_default for anything outside them. No FK to companies: ingest validates symbols, and an FK trigger would halve the bulk COPY rate.';
COMMENT ON COLUMN stock_prices.ts IS 'Event time of the tick (the message''s ts, UTC epoch ms).';
COMMENT ON COLUMN stock_prices.src_partition IS 'Kafka partition of the stock-prices message the row came from.';
COMMENT ON COLUMN stock_prices.src_offset IS 'Kafka offset of that message; with src_partition it makes a re-delivered message a duplicate key.';

-- Rows whose month has no partition yet land here instead of failing the
-- sink's batch. ensure_stock_price_partitions moves them out when it creates
-- their month. The ts index keeps that move cheap.
CREATE TABLE stock_prices_default PARTITION OF stock_prices DEFAULT;
CREATE INDEX stock_prices_default_ts_idx ON stock_prices_default (ts);

COMMENT ON TABLE stock_prices_default IS
    'Default partition of stock_prices: ticks whose UTC month has no monthly partition (yet). Should stay small.';

-- Creates the missing monthly partitions stock_prices_yYYYYmMM of every UTC
-- month from the month of from_ts through the month of to_ts (inclusive) and
-- returns how many it created. Rows of such a month already sitting in the
-- default partition are moved into the new partition.
--
-- Safe to call concurrently from several sink instances (a self-conflicting
-- lock on stock_prices serialises the DDL) and cheap when nothing is missing
-- (catalog look-ups only, no lock). Creating a partition takes an ACCESS
-- EXCLUSIVE lock on stock_prices for the rest of the caller's transaction, so
-- call it in its own short transaction ahead of need (the sink does so at
-- start and for the coming months), not inside a COPY batch.
CREATE FUNCTION ensure_stock_price_partitions(from_ts timestamptz, to_ts timestamptz)
RETURNS integer
LANGUAGE plpgsql
-- Resolve stock_prices and create partitions in the schema the migration ran
-- in, whatever the caller's search_path.
SET search_path FROM CURRENT
AS $$
DECLARE
    first_month timestamp;
    last_month  timestamp;
    month_start timestamp;
    part_name   text;
    lower_bound text;
    upper_bound text;
    locked      boolean := false;
    created     integer := 0;
BEGIN
    IF from_ts IS NULL OR to_ts IS NULL THEN
        RAISE EXCEPTION 'ensure_stock_price_partitions: from_ts and to_ts must not be NULL';
    END IF;
    IF to_ts < from_ts THEN
        RAISE EXCEPTION 'ensure_stock_price_partitions: to_ts (%) is before from_ts (%)', to_ts, from_ts;
    END IF;

    -- Month boundaries in UTC, independent of the session's TimeZone.
    first_month := date_trunc('month', from_ts AT TIME ZONE 'UTC');
    last_month  := date_trunc('month', to_ts AT TIME ZONE 'UTC');
    IF last_month >= first_month + interval '1200 months' THEN
        RAISE EXCEPTION 'ensure_stock_price_partitions: % .. % spans more than 100 years', from_ts, to_ts;
    END IF;

    month_start := first_month;
    WHILE month_start <= last_month LOOP
        part_name := 'stock_prices_y' || to_char(month_start, 'YYYY') || 'm' || to_char(month_start, 'MM');

        IF to_regclass(quote_ident(part_name)) IS NULL THEN
            IF NOT locked THEN
                -- Serialise with other callers, then look again: another
                -- instance may have created it while we waited. SHARE UPDATE
                -- EXCLUSIVE conflicts with itself but not with the sink's
                -- inserts, and (unlike an advisory lock) taking a table lock
                -- makes this backend process the catalog invalidations of
                -- the partitions the other caller committed.
                LOCK TABLE stock_prices IN SHARE UPDATE EXCLUSIVE MODE;
                locked := true;
                CONTINUE;
            END IF;

            lower_bound := to_char(month_start, 'YYYY-MM-DD') || ' 00:00:00+00';
            upper_bound := to_char(month_start + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';

            IF EXISTS (SELECT 1 FROM stock_prices_default
                       WHERE ts >= lower_bound::timestamptz AND ts < upper_bound::timestamptz) THEN
                -- A new partition cannot be created over rows still in the
                -- default partition: build it aside, move the rows, attach.
                EXECUTE format(
                    'CREATE TABLE %I (LIKE stock_prices INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                    part_name);
                EXECUTE format(
                    'WITH moved AS (DELETE FROM stock_prices_default WHERE ts >= %L AND ts < %L RETURNING *) '
                    'INSERT INTO %I SELECT * FROM moved',
                    lower_bound, upper_bound, part_name);
                EXECUTE format(
                    'ALTER TABLE stock_prices ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                    part_name, lower_bound, upper_bound);
            ELSE
                EXECUTE format(
                    'CREATE TABLE %I PARTITION OF stock_prices FOR VALUES FROM (%L) TO (%L)',
                    part_name, lower_bound, upper_bound);
            END IF;
            EXECUTE format('COMMENT ON TABLE %I IS %L', part_name,
                           'Ticks of ' || to_char(month_start, 'YYYY-MM') || ' (UTC); partition of stock_prices.');
            created := created + 1;
        END IF;

        month_start := month_start + interval '1 month';
    END LOOP;

    RETURN created;
END;
$$;

COMMENT ON FUNCTION ensure_stock_price_partitions(timestamptz, timestamptz) IS
    'Creates missing monthly partitions stock_prices_yYYYYmMM for every UTC month from from_ts through to_ts (inclusive), moving matching rows out of stock_prices_default; returns the number created. Concurrency-safe; call in its own transaction.';

-- 2020-01 through 2028-12; the sink extends the range as time goes on.
SELECT ensure_stock_price_partitions('2020-01-01 00:00:00+00', '2028-12-01 00:00:00+00');

-- ---------------------------------------------------------------------------
-- price_candles
-- ---------------------------------------------------------------------------
CREATE TABLE price_candles (
    symbol       text          NOT NULL,
    interval     text          NOT NULL,
    bucket_start timestamptz   NOT NULL,
    open         numeric(18,6) NOT NULL,
    high         numeric(18,6) NOT NULL,
    low          numeric(18,6) NOT NULL,
    close        numeric(18,6) NOT NULL,
    volume       bigint        NOT NULL DEFAULT 0,
    vwap         numeric(18,6),
    tick_count   integer       NOT NULL,
    is_final     boolean       NOT NULL DEFAULT false,
    updated_at   timestamptz   NOT NULL DEFAULT now(),
    -- Serves the chart query: one symbol, one interval, a time range.
    CONSTRAINT price_candles_pkey PRIMARY KEY (symbol, interval, bucket_start),
    CONSTRAINT price_candles_symbol_format CHECK (symbol ~ '^[A-Z][A-Z0-9.\-]{0,9}$'),
    CONSTRAINT price_candles_interval_valid CHECK (interval IN ('5m', '1h', '1d')),
    CONSTRAINT price_candles_prices_positive
        CHECK (open > 0 AND high > 0 AND low > 0 AND close > 0),
    CONSTRAINT price_candles_high_low
        CHECK (high >= low AND high >= open AND high >= close AND low <= open AND low <= close),
    CONSTRAINT price_candles_volume_nonnegative CHECK (volume >= 0),
    -- NULL when the bucket traded no volume (VWAP undefined).
    CONSTRAINT price_candles_vwap_positive CHECK (vwap IS NULL OR vwap > 0),
    CONSTRAINT price_candles_tick_count_positive CHECK (tick_count >= 1),
    -- 5-minute and hourly buckets start on UTC boundaries. Daily buckets are
    -- not constrained: a trading day may be keyed by exchange-local midnight.
    CONSTRAINT price_candles_bucket_aligned CHECK (
        CASE interval
            WHEN '5m' THEN extract(epoch FROM bucket_start) % 300 = 0
            WHEN '1h' THEN extract(epoch FROM bucket_start) % 3600 = 0
            ELSE true
        END)
);

COMMENT ON TABLE price_candles IS
    'OHLCV candles per symbol: 5m from the price-candles-5m topic (event-time tumbling windows), 1h and 1d rolled up or backfilled. Upserted: a candle is rewritten while late ticks arrive within the allowed lateness, then is_final.';
COMMENT ON COLUMN price_candles.interval IS 'Bucket length: 5m, 1h or 1d. (A non-reserved keyword; usable unquoted as a column name.)';
COMMENT ON COLUMN price_candles.bucket_start IS 'Inclusive start of the bucket; the bucket ends at bucket_start + interval (exclusive).';
COMMENT ON COLUMN price_candles.is_final IS 'false while the window may still change (within allowed lateness); true once closed.';

-- ---------------------------------------------------------------------------
-- news_articles
-- ---------------------------------------------------------------------------
CREATE TABLE news_articles (
    id              text         PRIMARY KEY,
    url             text         NOT NULL,
    title           text         NOT NULL,
    summary         text         NOT NULL DEFAULT '',
    content         text,
    source          text         NOT NULL,
    published_at    timestamptz  NOT NULL,
    symbols         text[]       NOT NULL DEFAULT '{}',
    sentiment_score numeric(5,4),
    sentiment_label text,
    ingested_at     timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT news_articles_url_key UNIQUE (url),
    -- Lower-case hex hash of the URL, as on the news-articles topic.
    CONSTRAINT news_articles_id_format CHECK (id ~ '^[0-9a-f]{16,64}$'),
    -- 2048 keeps the unique btree entry well under PostgreSQL's ~2.7 kB limit.
    CONSTRAINT news_articles_url_format
        CHECK (url ~ '^https?://' AND char_length(url) <= 2048),
    CONSTRAINT news_articles_title_length CHECK (char_length(title) BETWEEN 1 AND 1000),
    CONSTRAINT news_articles_summary_length CHECK (char_length(summary) <= 20000),
    CONSTRAINT news_articles_source_length CHECK (char_length(source) BETWEEN 1 AND 128),
    CONSTRAINT news_articles_symbols_count
        CHECK (cardinality(symbols) <= 50 AND array_position(symbols, NULL) IS NULL),
    CONSTRAINT news_articles_sentiment_range
        CHECK (sentiment_score IS NULL OR sentiment_score BETWEEN -1 AND 1),
    CONSTRAINT news_articles_sentiment_label_valid
        CHECK (sentiment_label IS NULL OR sentiment_label IN ('positive', 'negative', 'neutral')),
    -- Scored together or not at all (rows from news-articles before news-scored).
    CONSTRAINT news_articles_sentiment_pair
        CHECK ((sentiment_score IS NULL) = (sentiment_label IS NULL))
);

-- Company news: WHERE symbols @> ARRAY['AAPL'].
CREATE INDEX news_articles_symbols_gin ON news_articles USING gin (symbols);
-- Latest news, keyset pagination on (published_at, id).
CREATE INDEX news_articles_published_idx ON news_articles (published_at DESC, id DESC);

COMMENT ON TABLE news_articles IS
    'News from the news-articles topic, updated with sentiment from news-scored. id is the hash of the URL, so the same story fetched twice is one row.';
COMMENT ON COLUMN news_articles.symbols IS 'Tickers the article mentions (upper case, no duplicates, at most 50).';
COMMENT ON COLUMN news_articles.sentiment_score IS 'Lexicon sentiment in [-1, 1]; NULL until scored.';

-- ---------------------------------------------------------------------------
-- economic_indicators
-- ---------------------------------------------------------------------------
CREATE TABLE economic_indicators (
    indicator   text        NOT NULL,
    period      date        NOT NULL,
    value       numeric     NOT NULL,
    unit        text        NOT NULL DEFAULT '',
    source      text        NOT NULL,
    released_at timestamptz,
    -- Also serves "series of one indicator, newest first" (backward scan).
    PRIMARY KEY (indicator, period, source),
    CONSTRAINT economic_indicators_indicator_format CHECK (indicator ~ '^[A-Z][A-Z0-9_]{1,63}$'),
    CONSTRAINT economic_indicators_value_finite
        CHECK (value NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)),
    CONSTRAINT economic_indicators_unit_length CHECK (char_length(unit) <= 32),
    CONSTRAINT economic_indicators_source_length CHECK (char_length(source) BETWEEN 1 AND 32)
);

COMMENT ON TABLE economic_indicators IS
    'Macro series from the economic-indicators topic (REAL_GDP, CPI, INFLATION, FEDERAL_FUNDS_RATE, TREASURY_YIELD, UNEMPLOYMENT, ...), one value per indicator, period and source.';
COMMENT ON COLUMN economic_indicators.period IS 'First day of the period the value describes (e.g. 2024-05-01 for May 2024).';
COMMENT ON COLUMN economic_indicators.released_at IS 'When the source published the value, if known.';
