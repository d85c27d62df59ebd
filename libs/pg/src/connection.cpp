#include "stocktracker/pg/connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <utility>

#include "stocktracker/base/log.hpp"

namespace st::pg {
namespace {

// SQLSTATE classes that a retry (after reconnecting) can fix.
Error to_error(PGconn* conn, const PGresult* res, std::string_view context) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  std::string msg = res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  Errc code = Errc::kInternal;
  if (PQstatus(conn) == CONNECTION_BAD || sqlstate.starts_with("08") || sqlstate.starts_with("57P") ||
      sqlstate == "53300") {
    code = Errc::kUnavailable;
  } else if (sqlstate == "40001" || sqlstate == "40P01") {
    code = Errc::kUnavailable;  // serialization failure, deadlock: retry the transaction
  } else if (sqlstate == "23505") {
    code = Errc::kConflict;
  } else if (sqlstate.starts_with("22") || sqlstate.starts_with("23")) {
    code = Errc::kInvalidInput;
  } else if (sqlstate == "57014") {
    code = Errc::kTimeout;
  }
  return Error{code, std::string(context) + ": " + msg + (sqlstate.empty() ? "" : " [" + sqlstate + "]")};
}

}  // namespace

void Connection::Deleter::operator()(void* conn) const { PQfinish(static_cast<PGconn*>(conn)); }

namespace {
PGconn* raw(const std::unique_ptr<void, Connection::Deleter>& c) { return static_cast<PGconn*>(c.get()); }
const PGresult* res(const void* r) { return static_cast<const PGresult*>(r); }
}  // namespace

Rows::Rows(Rows&& o) noexcept : res_(std::exchange(o.res_, nullptr)) {}
Rows& Rows::operator=(Rows&& o) noexcept {
  if (this != &o) {
    if (res_ != nullptr) PQclear(static_cast<PGresult*>(res_));
    res_ = std::exchange(o.res_, nullptr);
  }
  return *this;
}
Rows::~Rows() {
  if (res_ != nullptr) PQclear(static_cast<PGresult*>(res_));
}
int Rows::size() const { return res_ == nullptr ? 0 : PQntuples(res(res_)); }
int Rows::columns() const { return res_ == nullptr ? 0 : PQnfields(res(res_)); }
bool Rows::is_null(int row, int col) const { return PQgetisnull(res(res_), row, col) != 0; }
std::string_view Rows::get(int row, int col) const {
  return {PQgetvalue(res(res_), row, col), static_cast<std::size_t>(PQgetlength(res(res_), row, col))};
}
std::int64_t Rows::get_int(int row, int col) const {
  const auto s = get(row, col);
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}
double Rows::get_double(int row, int col) const {
  const auto s = get(row, col);
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}
std::int64_t Rows::affected() const {
  const char* n = PQcmdTuples(static_cast<PGresult*>(res_));
  return (n == nullptr || *n == '\0') ? 0 : std::strtoll(n, nullptr, 10);
}

Result<Connection> Connection::connect(const std::string& url) {
  Connection c;
  c.conn_.reset(PQconnectdb(url.c_str()));
  if (!c.conn_) return fail(Errc::kUnavailable, "postgres: out of memory");
  // Server notices ("relation ... already exists, skipping") go to the
  // debug log instead of raw stderr lines.
  PQsetNoticeProcessor(
      raw(c.conn_),
      [](void*, const char* message) {
        std::string_view m(message);
        while (!m.empty() && m.back() == '\n') m.remove_suffix(1);
        log::debug("postgres notice", {{"detail", m}});
      },
      nullptr);
  if (PQstatus(raw(c.conn_)) != CONNECTION_OK) {
    // libpq's message never contains the password.
    std::string msg = PQerrorMessage(raw(c.conn_));
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return fail(Errc::kUnavailable, "postgres connect: " + msg);
  }
  return c;
}

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

bool Connection::ok() const { return conn_ && PQstatus(raw(conn_)) == CONNECTION_OK; }

Result<Rows> Connection::exec(std::string_view sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  const std::string query(sql);
  PGresult* r = PQexecParams(raw(conn_), query.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                             nullptr, nullptr, 0);
  Rows rows(r);
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return std::unexpected(to_error(raw(conn_), r, "postgres"));
  }
  return rows;
}

namespace {

constexpr std::size_t kMaxPrepared = 128;  // a bound for a caller that feeds varying text

bool sqlstate_is(const PGresult* r, std::string_view state) {
  const char* s = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return s != nullptr && state == s;
}

}  // namespace

Result<Rows> Connection::run_prepared(const std::string& name, const std::vector<const char*>& values) {
  PGresult* r = PQexecPrepared(raw(conn_), name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                               nullptr, 0);
  Rows rows(r);
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    // 26000: the server no longer has the statement (DISCARD ALL,
    // DEALLOCATE); 0A000: its result type changed with the schema. Both
    // are fixed by preparing it again, which the caller does.
    if (sqlstate_is(r, "26000") || sqlstate_is(r, "0A000")) return fail(Errc::kNotFound, "prepared statement gone");
    return std::unexpected(to_error(raw(conn_), r, "postgres"));
  }
  return rows;
}

Result<Rows> Connection::exec_prepared(std::string_view sql, const Params& params, Plan plan) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  std::string text(sql);
  if (!prepared_.contains(text) && prepared_.size() >= kMaxPrepared) return exec(sql, params);
  // plan_cache_mode is read when the statement is executed; SET LOCAL in a
  // transaction of our own keeps it off every other statement of the
  // connection (unnamed ones included). Inside a caller's transaction the
  // server's own choice is kept.
  const bool force_generic = plan == Plan::kGeneric && PQtransactionStatus(raw(conn_)) == PQTRANS_IDLE;
  std::string stale;  // a statement to drop once no transaction of ours is aborted
  const auto once = [&]() -> Result<Rows> {
    auto it = prepared_.find(text);
    if (it == prepared_.end()) {
      std::string name = "st_";
      name += std::to_string(next_statement_++);
      Rows prep(PQprepare(raw(conn_), name.c_str(), text.c_str(), static_cast<int>(values.size()), nullptr));
      if (PQresultStatus(res(prep.res_)) != PGRES_COMMAND_OK) {
        return std::unexpected(to_error(raw(conn_), res(prep.res_), "postgres prepare"));
      }
      it = prepared_.emplace(text, name).first;
    }
    auto out = run_prepared(it->second, values);
    if (!out && out.error().code == Errc::kNotFound) {
      stale = it->second;
      prepared_.erase(it);
    }
    return out;
  };
  Result<Rows> out = fail(Errc::kNotFound, "not run");
  for (int attempt = 0; attempt < 2 && !out && out.error().code == Errc::kNotFound; ++attempt) {
    if (force_generic) {
      if (auto st = exec_script("BEGIN; SET LOCAL plan_cache_mode = force_generic_plan"); !st) {
        return std::unexpected(st.error());
      }
    }
    out = once();
    if (force_generic) {
      // A failed statement has aborted our transaction: ROLLBACK ends it.
      auto st = exec_script(out ? "COMMIT" : "ROLLBACK");
      if (!st && out) return std::unexpected(st.error());
    }
    if (!stale.empty()) {
      // Fails harmlessly when the server has dropped it already.
      std::string deallocate = "DEALLOCATE ";
      deallocate += std::exchange(stale, {});
      (void)exec_script(deallocate);
    }
  }
  if (!out && out.error().code == Errc::kNotFound) return fail(Errc::kInternal, "postgres: prepared statement lost");
  return out;
}

Status Connection::exec_script(std::string_view sql) {
  const std::string script(sql);
  Rows rows(PQexec(raw(conn_), script.c_str()));
  const auto status = PQresultStatus(res(rows.res_));
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return std::unexpected(to_error(raw(conn_), res(rows.res_), "postgres"));
  }
  return {};
}

Result<std::int64_t> Connection::copy_in(std::string_view copy_sql, std::string_view data) {
  const std::string sql(copy_sql);
  {
    Rows start(PQexec(raw(conn_), sql.c_str()));
    if (PQresultStatus(res(start.res_)) != PGRES_COPY_IN) {
      return std::unexpected(to_error(raw(conn_), res(start.res_), "postgres copy"));
    }
  }
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t off = 0; off < data.size(); off += kChunk) {
    const auto part = data.substr(off, kChunk);
    if (PQputCopyData(raw(conn_), part.data(), static_cast<int>(part.size())) != 1) {
      return std::unexpected(to_error(raw(conn_), nullptr, "postgres copy data"));
    }
  }
  if (PQputCopyEnd(raw(conn_), nullptr) != 1) {
    return std::unexpected(to_error(raw(conn_), nullptr, "postgres copy end"));
  }
  Result<std::int64_t> out = 0;
  while (PGresult* r = PQgetResult(raw(conn_))) {
    Rows rows(r);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      if (out) out = std::unexpected(to_error(raw(conn_), r, "postgres copy"));
    } else if (out) {
      *out += rows.affected();
    }
  }
  return out;
}

void append_copy_text(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out.push_back(c);
    }
  }
}

}  // namespace st::pg
