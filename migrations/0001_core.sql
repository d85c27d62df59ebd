-- 0001_core: users, companies, watchlists, preferences, alert rules,
-- notifications, push subscriptions, the transactional outbox and the store
-- sink's Kafka offsets.
--
-- Applied once by `stocktracker migrate` inside a transaction: no top-level
-- BEGIN/COMMIT here and nothing that cannot run in a transaction block.
-- Identifiers are unqualified, so the tables land in the first schema of the
-- migrator's search_path (normally `public`).

-- Keeps updated_at honest for rows changed through the API, whichever code
-- path wrote them. Used on small, user-edited tables only; the bulk
-- time-series tables set their own timestamps and take no per-row trigger.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION set_updated_at() IS
    'BEFORE UPDATE trigger: sets NEW.updated_at to the transaction time.';

-- ---------------------------------------------------------------------------
-- users
-- ---------------------------------------------------------------------------
CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          text        NOT NULL,
    password_hash  text        NOT NULL,
    display_name   text,
    role           text        NOT NULL DEFAULT 'user',
    email_verified boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_format
        CHECK (char_length(email) BETWEEN 3 AND 254
               AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    -- A modular-crypt string such as bcrypt's "$2b$12$...": never a plain
    -- password, never empty.
    CONSTRAINT users_password_hash_format
        CHECK (password_hash LIKE '$%' AND char_length(password_hash) BETWEEN 20 AND 255),
    CONSTRAINT users_display_name_length
        CHECK (display_name IS NULL OR char_length(display_name) BETWEEN 1 AND 100),
    CONSTRAINT users_role_valid CHECK (role IN ('user', 'admin'))
);

-- E-mail addresses are unique regardless of case; look-ups use lower(email).
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TRIGGER users_set_updated_at
    BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE users IS
    'Accounts of the dashboard and API. Passwords are stored as bcrypt hashes only; e-mail is unique case-insensitively (users_email_lower_key).';
COMMENT ON COLUMN users.password_hash IS 'bcrypt hash in modular-crypt format ($2b$<cost>$...).';
COMMENT ON COLUMN users.role IS 'user or admin; never settable through a user-facing endpoint.';

-- ---------------------------------------------------------------------------
-- companies
-- ---------------------------------------------------------------------------
CREATE TABLE companies (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    symbol     text        NOT NULL,
    name       text        NOT NULL,
    sector     text,
    industry   text,
    exchange   text,
    currency   char(3)     NOT NULL DEFAULT 'USD',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT companies_symbol_key UNIQUE (symbol),
    CONSTRAINT companies_symbol_format CHECK (symbol ~ '^[A-Z][A-Z0-9.\-]{0,9}$'),
    CONSTRAINT companies_name_length CHECK (char_length(name) BETWEEN 1 AND 200),
    CONSTRAINT companies_sector_length
        CHECK (sector IS NULL OR char_length(sector) BETWEEN 1 AND 100),
    CONSTRAINT companies_industry_length
        CHECK (industry IS NULL OR char_length(industry) BETWEEN 1 AND 100),
    CONSTRAINT companies_exchange_length
        CHECK (exchange IS NULL OR char_length(exchange) BETWEEN 1 AND 32),
    CONSTRAINT companies_currency_format CHECK (currency ~ '^[A-Z]{3}$')
);

-- Watchlist search: prefix match on the name (lower(name) LIKE 'app%') and on
-- the symbol (symbol LIKE 'AA%'). text_pattern_ops makes LIKE 'x%' indexable
-- whatever the database collation; no extension (pg_trgm) needed.
CREATE INDEX companies_name_lower_prefix_idx ON companies (lower(name) text_pattern_ops);
CREATE INDEX companies_symbol_prefix_idx ON companies (symbol text_pattern_ops);

COMMENT ON TABLE companies IS
    'Company metadata keyed by ticker symbol: what users can track and what alerts are enriched with (name, GICS sector and industry, listing exchange, trading currency).';
COMMENT ON COLUMN companies.symbol IS 'Ticker as published on the stock-prices topic, upper case (e.g. AAPL, BRK.B).';
COMMENT ON COLUMN companies.sector IS 'GICS sector name, e.g. Information Technology.';
COMMENT ON COLUMN companies.industry IS 'GICS industry name, e.g. Semiconductors & Semiconductor Equipment.';

-- ---------------------------------------------------------------------------
-- user_companies (watchlists)
-- ---------------------------------------------------------------------------
CREATE TABLE user_companies (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    company_id bigint      NOT NULL REFERENCES companies (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, company_id)
);

-- "Who tracks this company?" (fan-out of ticks and default alerts) and the
-- FK check when a company is deleted.
CREATE INDEX user_companies_company_id_idx ON user_companies (company_id);

COMMENT ON TABLE user_companies IS
    'Watchlists: which companies each user tracks. Deleting a user removes the rows; a tracked company cannot be deleted.';

-- ---------------------------------------------------------------------------
-- user_notification_preferences
-- ---------------------------------------------------------------------------
CREATE TABLE user_notification_preferences (
    user_id                bigint        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email_enabled          boolean       NOT NULL DEFAULT true,
    sms_enabled            boolean       NOT NULL DEFAULT false,
    push_enabled           boolean       NOT NULL DEFAULT false,
    in_app_enabled         boolean       NOT NULL DEFAULT true,
    phone                  text,
    price_change_threshold numeric(6,3)  NOT NULL DEFAULT 5.0,
    quiet_hours_start      time,
    quiet_hours_end        time,
    time_zone              text          NOT NULL DEFAULT 'UTC',
    updated_at             timestamptz   NOT NULL DEFAULT now(),
    -- E.164: '+', country code, subscriber number; 8 to 15 digits in all.
    CONSTRAINT unp_phone_e164 CHECK (phone IS NULL OR phone ~ '^\+[1-9][0-9]{6,14}$'),
    CONSTRAINT unp_threshold_positive CHECK (price_change_threshold > 0),
    -- Quiet hours are a pair; start > end means the window spans midnight.
    CONSTRAINT unp_quiet_hours_pair
        CHECK ((quiet_hours_start IS NULL) = (quiet_hours_end IS NULL)),
    -- An IANA zone name such as 'UTC' or 'America/New_York'. Whether the zone
    -- exists is checked by the API (a CHECK cannot consult pg_timezone_names).
    CONSTRAINT unp_time_zone_format
        CHECK (time_zone ~ '^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$'
               AND char_length(time_zone) <= 64)
);

CREATE TRIGGER user_notification_preferences_set_updated_at
    BEFORE UPDATE ON user_notification_preferences
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE user_notification_preferences IS
    'Per-user delivery settings: enabled channels, SMS number, the default alert threshold (percent move against the previous close) and quiet hours. A missing row means the column defaults.';
COMMENT ON COLUMN user_notification_preferences.phone IS 'E.164 number for SMS, e.g. +14155550123. SMS is skipped while it is NULL.';
COMMENT ON COLUMN user_notification_preferences.price_change_threshold IS 'Percent; the default rule fires when |change vs previous close| >= this value.';
COMMENT ON COLUMN user_notification_preferences.quiet_hours_start IS 'Local time (time_zone) from which only in-app notifications are delivered; NULL = no quiet hours.';

-- ---------------------------------------------------------------------------
-- alert_rules
-- ---------------------------------------------------------------------------
CREATE TABLE alert_rules (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    company_id       bigint      REFERENCES companies (id),
    kind             text        NOT NULL,
    params           jsonb       NOT NULL DEFAULT '{}',
    repeat_mode      text        NOT NULL DEFAULT 'repeat',
    cooldown_seconds integer     NOT NULL DEFAULT 300,
    state            text        NOT NULL DEFAULT 'active',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT alert_rules_kind_valid CHECK (kind IN (
        'price_above', 'price_below', 'pct_change_prev_close', 'pct_change_window',
        'volume_spike', 'ma_cross', 'news_sentiment', 'composite_news_drop',
        'indicator_threshold')),
    -- Only rules on economic indicators are not about one company.
    CONSTRAINT alert_rules_company_required
        CHECK (company_id IS NOT NULL OR kind = 'indicator_threshold'),
    CONSTRAINT alert_rules_params_object CHECK (jsonb_typeof(params) = 'object'),
    CONSTRAINT alert_rules_params_size CHECK (octet_length(params::text) <= 8192),
    CONSTRAINT alert_rules_repeat_mode_valid CHECK (repeat_mode IN ('once', 'repeat')),
    -- At most 30 days; 0 = no cool-down (hysteresis still applies).
    CONSTRAINT alert_rules_cooldown_range CHECK (cooldown_seconds BETWEEN 0 AND 2592000),
    CONSTRAINT alert_rules_state_valid CHECK (state IN ('active', 'paused', 'fired'))
);

CREATE INDEX alert_rules_user_id_idx ON alert_rules (user_id);
CREATE INDEX alert_rules_company_id_idx ON alert_rules (company_id);

CREATE TRIGGER alert_rules_set_updated_at
    BEFORE UPDATE ON alert_rules
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE alert_rules IS
    'User-defined alert rules. The API writes them here and publishes the user''s whole rule set on user-preferences (via outbox); process evaluates them.';
COMMENT ON COLUMN alert_rules.company_id IS 'The company the rule watches; NULL only for indicator_threshold rules.';
COMMENT ON COLUMN alert_rules.params IS 'Kind-specific parameters (a JSON object, validated by the API), e.g. {"price": 200} for price_above.';
COMMENT ON COLUMN alert_rules.repeat_mode IS 'once: the rule moves to state fired after its first alert; repeat: it re-arms after hysteresis and cooldown_seconds.';
COMMENT ON COLUMN alert_rules.state IS 'active, paused (by the user) or fired (a once-rule that has fired).';

-- ---------------------------------------------------------------------------
-- notifications
-- ---------------------------------------------------------------------------
CREATE TABLE notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    alert_id        text        NOT NULL,
    channel         text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    attempts        integer     NOT NULL DEFAULT 0,
    title           text        NOT NULL,
    body            text        NOT NULL DEFAULT '',
    payload         jsonb       NOT NULL DEFAULT '{}',
    read_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    next_attempt_at timestamptz,
    last_error      text,
    -- The idempotency key: one delivery per alert and channel, whatever
    -- notify instance or retry gets there first.
    CONSTRAINT notifications_alert_channel_key UNIQUE (alert_id, channel),
    CONSTRAINT notifications_alert_id_length CHECK (char_length(alert_id) BETWEEN 1 AND 200),
    CONSTRAINT notifications_channel_valid CHECK (channel IN ('email', 'sms', 'push', 'in_app')),
    CONSTRAINT notifications_status_valid CHECK (status IN ('pending', 'sent', 'failed', 'dead')),
    CONSTRAINT notifications_attempts_nonnegative CHECK (attempts >= 0),
    CONSTRAINT notifications_title_length CHECK (char_length(title) BETWEEN 1 AND 500),
    CONSTRAINT notifications_body_length CHECK (char_length(body) <= 10000),
    CONSTRAINT notifications_payload_object CHECK (jsonb_typeof(payload) = 'object'),
    CONSTRAINT notifications_sent_has_time CHECK (status <> 'sent' OR sent_at IS NOT NULL),
    CONSTRAINT notifications_last_error_length
        CHECK (last_error IS NULL OR char_length(last_error) <= 2000)
);

-- Notification centre: newest first, keyset pagination on (created_at, id).
CREATE INDEX notifications_user_created_idx
    ON notifications (user_id, created_at DESC, id DESC);
-- Unread badge and "unread only" filter.
CREATE INDEX notifications_user_unread_idx
    ON notifications (user_id, created_at DESC, id DESC)
    WHERE read_at IS NULL;
-- Retry scan of notify: deliveries not yet final, due first.
CREATE INDEX notifications_due_idx
    ON notifications (next_attempt_at)
    WHERE status IN ('pending', 'failed');

COMMENT ON TABLE notifications IS
    'One row per (alert, channel) delivery, written by notify before it sends (idempotency key alert_id + channel). pending -> sent, or failed (retrying with backoff) -> dead after the last attempt. In-app rows are what the notification centre lists.';
COMMENT ON COLUMN notifications.alert_id IS 'The deterministic alert id from the stock-alerts topic.';
COMMENT ON COLUMN notifications.attempts IS 'Delivery attempts made so far.';
COMMENT ON COLUMN notifications.next_attempt_at IS 'When a failed delivery is retried next (exponential backoff with jitter); NULL when final.';
COMMENT ON COLUMN notifications.read_at IS 'When the user marked it read; NULL = unread.';

-- ---------------------------------------------------------------------------
-- push_subscriptions
-- ---------------------------------------------------------------------------
CREATE TABLE push_subscriptions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint   text        NOT NULL,
    p256dh     text        NOT NULL,
    auth       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT push_subscriptions_endpoint_key UNIQUE (endpoint),
    -- https in production; plain http is allowed for a push service on loopback in tests.
    CONSTRAINT push_subscriptions_endpoint_format
        CHECK (endpoint ~ '^https?://' AND char_length(endpoint) <= 2048),
    -- Base64url (RFC 8291 keys): the P-256 public key is 65 bytes (87 chars),
    -- the auth secret 16 bytes (22 chars); padding tolerated.
    CONSTRAINT push_subscriptions_p256dh_format
        CHECK (p256dh ~ '^[A-Za-z0-9_\-]{80,100}=*$'),
    CONSTRAINT push_subscriptions_auth_format
        CHECK (auth ~ '^[A-Za-z0-9_\-]{16,32}=*$')
);

CREATE INDEX push_subscriptions_user_id_idx ON push_subscriptions (user_id);

COMMENT ON TABLE push_subscriptions IS
    'Web Push subscriptions (RFC 8030/8291) registered by the dashboard''s service worker; notify sends VAPID-signed, encrypted pushes to each endpoint of the user.';

-- ---------------------------------------------------------------------------
-- outbox
-- ---------------------------------------------------------------------------
CREATE TABLE outbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic        text        NOT NULL,
    key          text,
    payload      jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    CONSTRAINT outbox_topic_format CHECK (topic ~ '^[A-Za-z0-9._\-]{1,249}$')
);

-- The relay's work queue: unpublished rows in id (= commit-ish) order.
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

COMMENT ON TABLE outbox IS
    'Transactional outbox: the API inserts the Kafka message (user-preferences) in the same transaction as the change it describes; a relay publishes rows in id order and sets published_at. Published rows may be deleted after a while.';
COMMENT ON COLUMN outbox.key IS 'Kafka message key (the user id for user-preferences).';
COMMENT ON COLUMN outbox.payload IS 'Kafka message value; NULL publishes a tombstone (deleted user on the compacted user-preferences topic).';

-- ---------------------------------------------------------------------------
-- sink_offsets
-- ---------------------------------------------------------------------------
CREATE TABLE sink_offsets (
    consumer_group text        NOT NULL,
    topic          text        NOT NULL,
    partition      integer     NOT NULL,
    next_offset    bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, partition),
    CONSTRAINT sink_offsets_partition_nonnegative CHECK (partition >= 0),
    CONSTRAINT sink_offsets_next_offset_nonnegative CHECK (next_offset >= 0)
);

COMMENT ON TABLE sink_offsets IS
    'Kafka positions of the store sink, written in the same transaction as the rows they cover; on partition assignment the sink seeks to next_offset, so a restart neither loses nor duplicates a row.';
COMMENT ON COLUMN sink_offsets.next_offset IS 'Offset of the next message to consume (last stored offset + 1), as in Kafka''s committed offsets.';
