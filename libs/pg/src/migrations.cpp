#include "stocktracker/pg/migrations.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

namespace st::pg {
namespace {

constexpr std::string_view kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

// Any constant: the advisory lock that serialises concurrent migrators.
constexpr std::string_view kLockKey = "7351004251";

}  // namespace

std::optional<int> migration_version(std::string_view name) {
  if (name.size() < 10 || !name.ends_with(".sql") || name[4] != '_') return std::nullopt;
  int v = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + 4, v);
  if (ec != std::errc{} || ptr != name.data() + 4 || v <= 0) return std::nullopt;
  return v;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

Result<std::vector<Migration>> load_migrations(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return fail(Errc::kNotFound, "migrations directory not found: " + dir.string());
  }
  std::vector<Migration> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".sql")) continue;
    auto version = migration_version(name);
    if (!version) return fail(Errc::kInvalidInput, "migration file name must be NNNN_name.sql: " + name);
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    out.push_back({*version, name, buf.str(), ""});
    out.back().checksum = sha256_hex(out.back().sql);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return fail(Errc::kInvalidInput, "two migrations share version " + std::to_string(out[i].version) + ": " +
                                           out[i - 1].name + ", " + out[i].name);
    }
  }
  return out;
}

Result<std::vector<const Migration*>> plan_migrations(const std::vector<Migration>& files,
                                                      const std::vector<AppliedMigration>& applied) {
  std::map<int, const Migration*> by_version;
  for (const auto& m : files) by_version[m.version] = &m;
  std::map<int, std::string> done;
  for (const auto& a : applied) {
    auto it = by_version.find(a.version);
    if (it == by_version.end()) {
      return fail(Errc::kConflict, "the database has migration " + std::to_string(a.version) +
                                       ", which this build does not know (is the build older than the database?)");
    }
    if (it->second->checksum != a.checksum) {
      return fail(Errc::kConflict, "migration " + it->second->name +
                                       " was changed after it was applied; add a new migration instead");
    }
    done[a.version] = a.checksum;
  }
  std::vector<const Migration*> todo;
  for (const auto& m : files) {
    if (!done.contains(m.version)) todo.push_back(&m);
  }
  return todo;
}

Result<MigrateReport> migrate(Connection& conn, const std::vector<Migration>& files) {
  if (auto st = conn.exec_script(kCreateTable); !st) return std::unexpected(st.error());
  if (auto r = conn.exec("SELECT pg_advisory_lock($1::bigint)", {std::string(kLockKey)}); !r) {
    return std::unexpected(r.error());
  }
  auto unlock = [&] { (void)conn.exec("SELECT pg_advisory_unlock($1::bigint)", {std::string(kLockKey)}); };

  auto rows = conn.exec("SELECT version, checksum FROM schema_migrations ORDER BY version");
  if (!rows) {
    unlock();
    return std::unexpected(rows.error());
  }
  std::vector<AppliedMigration> applied;
  for (int i = 0; i < rows->size(); ++i) {
    applied.push_back({static_cast<int>(rows->get_int(i, 0)), std::string(rows->get(i, 1))});
  }
  auto plan = plan_migrations(files, applied);
  if (!plan) {
    unlock();
    return std::unexpected(plan.error());
  }
  MigrateReport report;
  report.already = applied.size();
  for (const Migration* m : *plan) {
    Status st = conn.exec_script("BEGIN");
    if (st) st = conn.exec_script(m->sql);
    if (st) {
      auto r = conn.exec("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1::int, $2, $3)",
                         {std::to_string(m->version), m->name, m->checksum});
      if (!r) st = std::unexpected(r.error());
    }
    if (st) st = conn.exec_script("COMMIT");
    if (!st) {
      (void)conn.exec_script("ROLLBACK");
      unlock();
      return fail(st.error().code, "migration " + m->name + ": " + st.error().message);
    }
    report.applied.push_back(m->name);
  }
  unlock();
  return report;
}

}  // namespace st::pg
