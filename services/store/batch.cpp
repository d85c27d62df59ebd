#include "batch.hpp"

#include <charconv>

#include "stocktracker/base/time_format.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::store {
namespace {

template <class T>
void append_number(std::string& out, T v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

}  // namespace

void append_tick_row(std::string& out, const model::PriceTick& tick, std::int32_t partition, std::int64_t offset) {
  pg::append_copy_text(out, tick.symbol);
  out.push_back('\t');
  append_pg_timestamp(out, tick.ts);
  out.push_back('\t');
  append_number(out, tick.price);
  out.push_back('\t');
  append_number(out, tick.volume);
  out.push_back('\t');
  pg::append_copy_text(out, tick.source);
  out.push_back('\t');
  pg::append_copy_text(out, tick.currency);
  out.push_back('\t');
  append_number(out, partition);
  out.push_back('\t');
  append_number(out, offset);
  out.push_back('\n');
}

}  // namespace st::store
