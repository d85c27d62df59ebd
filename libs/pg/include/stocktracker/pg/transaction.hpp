#pragma once
// A transaction scope on one connection: BEGIN on begin(), COMMIT on
// commit(), ROLLBACK when destroyed uncommitted, so an early return on an
// error never hands a pooled connection back in the middle of a transaction.
#include <string_view>

#include "stocktracker/pg/connection.hpp"

namespace st::pg {

class Transaction {
 public:
  explicit Transaction(Connection& conn) : conn_(conn) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) (void)conn_.exec_script("ROLLBACK");
  }

  /// `begin_sql` may set the isolation level ("BEGIN ISOLATION LEVEL ...").
  Status begin(std::string_view begin_sql = "BEGIN") {
    auto st = conn_.exec_script(begin_sql);
    open_ = st.has_value();
    return st;
  }
  Status commit() {
    open_ = false;  // a failed COMMIT has ended the transaction too
    return conn_.exec_script("COMMIT");
  }

 private:
  Connection& conn_;
  bool open_ = false;
};

}  // namespace st::pg
