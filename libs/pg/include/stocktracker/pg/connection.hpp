#pragma once
// The libpq driver: one Connection owns one PGconn. Parameterised queries
// only (text format), COPY FROM STDIN for bulk loads. Not thread-safe: one
// thread uses a connection at a time.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stocktracker/base/error.hpp"

namespace st::pg {

using Param = std::optional<std::string>;  // nullopt is SQL NULL
using Params = std::vector<Param>;

/// The result rows of a query, as text.
class Rows {
 public:
  Rows() = default;
  Rows(Rows&&) noexcept;
  Rows& operator=(Rows&&) noexcept;
  ~Rows();
  [[nodiscard]] int size() const;
  [[nodiscard]] int columns() const;
  [[nodiscard]] bool is_null(int row, int col) const;
  [[nodiscard]] std::string_view get(int row, int col) const;
  [[nodiscard]] std::int64_t get_int(int row, int col) const;
  [[nodiscard]] double get_double(int row, int col) const;
  /// Number of rows an INSERT/UPDATE/DELETE/COPY touched.
  [[nodiscard]] std::int64_t affected() const;

 private:
  friend class Connection;
  explicit Rows(void* res) : res_(res) {}
  void* res_ = nullptr;  // PGresult*
};

class Connection {
 public:
  static Result<Connection> connect(const std::string& url);
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  Result<Rows> exec(std::string_view sql, const Params& params = {});

  /// How PostgreSQL plans a prepared statement. kAuto is its own choice
  /// (custom plans while they look cheaper). kGeneric forces the generic
  /// plan, planned once per connection: for statements over the
  /// partitioned tables, where planning a custom plan over every partition
  /// costs more than running the query (a LIMIT given as a parameter keeps
  /// PostgreSQL's own choice on custom plans). Such a statement should
  /// avoid `$n IS NULL OR ...` so run-time partition pruning still applies.
  enum class Plan { kAuto, kGeneric };
  /// Like exec, but the statement is prepared on this connection the first
  /// time its text is seen and executed by name after. The cache lives with
  /// the connection: a reconnected one (a new Connection) prepares again,
  /// and a statement the server no longer has (DISCARD, DEALLOCATE) is
  /// prepared again. Meant for the few hot statements with constant text.
  Result<Rows> exec_prepared(std::string_view sql, const Params& params = {}, Plan plan = Plan::kAuto);
  /// Runs `copy_sql` (COPY ... FROM STDIN) feeding it `data` in text format.
  Result<std::int64_t> copy_in(std::string_view copy_sql, std::string_view data);
  /// Runs a multi-statement script with no parameters (migrations).
  Status exec_script(std::string_view sql);
  [[nodiscard]] bool ok() const;

  struct Deleter {
    void operator()(void* conn) const;
  };

 private:
  Connection() = default;
  Result<Rows> run_prepared(const std::string& name, const std::vector<const char*>& values);
  std::unique_ptr<void, Deleter> conn_;  // PGconn*
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::uint64_t next_statement_ = 0;
};

/// Escapes a value for COPY text format (backslash, tab, newline, CR).
void append_copy_text(std::string& out, std::string_view value);

}  // namespace st::pg
