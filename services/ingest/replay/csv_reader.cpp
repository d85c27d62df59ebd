#include "csv_reader.hpp"

namespace st::ingest::replay {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

void CsvReader::skip_to_line_end() {
  while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
}

bool CsvReader::next(CsvRecord& record) {
  if (pos_ >= text_.size()) return false;
  record.line = line_;
  record.fields.clear();
  record.error.clear();
  const std::size_t start = pos_;
  const std::size_t n = text_.size();

  while (true) {
    std::string& field = record.fields.emplace_back();
    while (pos_ < n && is_space(text_[pos_])) ++pos_;
    if (pos_ < n && text_[pos_] == '"') {
      ++pos_;
      bool closed = false;
      while (pos_ < n) {
        const char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < n && text_[pos_] == '"') {
            field += '"';
            ++pos_;
            continue;
          }
          closed = true;
          break;
        }
        if (c == '\n') ++line_;
        field += c;
      }
      if (!closed) {
        record.error = "a quoted field is not closed";
        break;
      }
      while (pos_ < n && (is_space(text_[pos_]) || text_[pos_] == '\r')) ++pos_;
      if (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n') {
        record.error = "text after the closing quote of field " + std::to_string(record.fields.size());
        skip_to_line_end();
        break;
      }
    } else {
      const std::size_t begin = pos_;
      while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n') ++pos_;
      std::size_t end = pos_;
      while (end > begin && (is_space(text_[end - 1]) || text_[end - 1] == '\r')) --end;
      field.assign(text_.data() + begin, end - begin);
    }
    if (pos_ >= n) break;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    break;  // '\n'
  }

  std::size_t raw_end = pos_ < n ? pos_ : n;
  if (raw_end > start && text_[raw_end - 1] == '\r') --raw_end;
  record.raw = text_.substr(start, raw_end - start);
  if (pos_ < n && text_[pos_] == '\n') {
    ++pos_;
    ++line_;
  }
  return true;
}

}  // namespace st::ingest::replay
