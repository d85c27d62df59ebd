#pragma once
// Numbered SQL migrations (migrations/NNNN_name.sql): each applied once, in
// order, inside its own transaction, and recorded in schema_migrations with
// a SHA-256 checksum. A migration changed after it was applied is refused.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stocktracker/base/error.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::pg {

struct Migration {
  int version = 0;
  std::string name;  // file name, e.g. 0001_core.sql
  std::string sql;
  std::string checksum;  // hex SHA-256 of sql
};

struct AppliedMigration {
  int version = 0;
  std::string checksum;
};

/// "0001_core.sql" -> 1; nullopt when the name is not NNNN_name.sql.
std::optional<int> migration_version(std::string_view file_name);
std::string sha256_hex(std::string_view data);

/// Reads every migration in `dir`, ordered by version; duplicate versions
/// are an error.
Result<std::vector<Migration>> load_migrations(const std::filesystem::path& dir);

/// The migrations still to apply, in order. Fails when an applied
/// migration's checksum differs from its file, or when the database has a
/// migration this build does not know.
Result<std::vector<const Migration*>> plan_migrations(const std::vector<Migration>& files,
                                                      const std::vector<AppliedMigration>& applied);

struct MigrateReport {
  std::vector<std::string> applied;  // names applied by this run
  std::size_t already = 0;           // count already applied before
};

/// Applies the plan against the database, holding an advisory lock so two
/// instances never migrate at once.
Result<MigrateReport> migrate(Connection& conn, const std::vector<Migration>& files);

}  // namespace st::pg
