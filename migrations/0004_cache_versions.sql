-- Versions of cached tables. The API caches the company list and company
-- look-ups in memory and in Redis under the version of `companies`; any
-- change to companies, by the API, a migration or plain SQL, bumps the
-- version in the same transaction, so no cache serves a list older than
-- the version check interval (docs/architecture.md, "Caches").
CREATE TABLE cache_versions (
    name    text   PRIMARY KEY,
    version bigint NOT NULL DEFAULT 0
);

COMMENT ON TABLE cache_versions IS
    'One row per cached table: its version, bumped by a statement trigger on every change (cache invalidation).';

INSERT INTO cache_versions (name) VALUES ('companies');

CREATE FUNCTION bump_companies_cache_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE name = 'companies';
    RETURN NULL;
END
$$;

-- Per statement, not per row: a bulk change is one bump.
CREATE TRIGGER companies_cache_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON companies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_companies_cache_version();
