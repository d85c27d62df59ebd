# Sourced by the test scripts that register users through a live api.
# delete_test_users WHERE: deletes the users matching the SQL condition,
# with a tombstone for each on the compacted user-preferences topic (as the
# integration fixture does), then waits until the running api has relayed
# the tombstones. Needs DATABASE_URL; best effort (a clean-up never fails a test).
delete_test_users() {
  local where="$1"
  local q=(psql "$DATABASE_URL" -qtAX -v ON_ERROR_STOP=1 -c)
  "${q[@]}" "INSERT INTO outbox (topic, key, payload) SELECT 'user-preferences', id::text, NULL FROM users WHERE $where;
             DELETE FROM users WHERE $where" > /dev/null 2>&1 || true
  for _ in $(seq 1 50); do
    [[ "$("${q[@]}" "SELECT count(*) FROM outbox WHERE published_at IS NULL AND payload IS NULL" 2>/dev/null)" == "0" ]] && break
    sleep 0.2
  done
}
