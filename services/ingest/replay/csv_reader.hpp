#pragma once
// RFC 4180 CSV records from text in memory, as spreadsheet and broker
// exports write them: a UTF-8 byte-order mark at the start is skipped, CRLF
// and LF both end a record, a field in double quotes may hold commas,
// doubled quotes ("") and line breaks; spaces around an unquoted field are
// trimmed. A malformed record (text after a closing quote, a quote that is
// never closed) is returned with an error and the reader goes on with the
// next line. Pure; not thread-safe.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace st::ingest::replay {

struct CsvRecord {
  std::size_t line = 0;          // 1-based line of the record's first character
  std::vector<std::string> fields;
  std::string_view raw;          // the record's text, without its line break
  std::string error;             // empty: the record is well formed

  /// A line with nothing on it (not even a comma).
  [[nodiscard]] bool blank() const { return error.empty() && fields.size() == 1 && fields[0].empty(); }
};

class CsvReader {
 public:
  /// `text` must outlive the reader and the records' `raw`.
  explicit CsvReader(std::string_view text);
  /// Reads the next record into `record` (reusing its storage); false at the end.
  bool next(CsvRecord& record);
  /// How far the reader is, in bytes of the text.
  [[nodiscard]] std::size_t position() const { return pos_; }

 private:
  void skip_to_line_end();
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

}  // namespace st::ingest::replay
