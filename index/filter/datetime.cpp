// A hand-written datetime reader for the forms listed in datetime.hpp. Works on the string view
// in place (no allocation) and validates calendar fields (month lengths, leap years).
#include "index/filter/datetime.hpp"

namespace sextant::index::filter {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // Exactly `digits` decimal digits.
  bool number(int digits, int& out) {
    if (pos_ + static_cast<size_t>(digits) > text_.size()) return false;
    int value = 0;
    for (int i = 0; i < digits; ++i) {
      char c = text_[pos_ + static_cast<size_t>(i)];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    pos_ += static_cast<size_t>(digits);
    out = value;
    return true;
  }
  // One or more digits of a fraction of a second, kept to microseconds.
  bool fraction_micros(int64_t& out) {
    size_t start = pos_;
    int64_t micros = 0;
    int used = 0;
    while (!done() && peek() >= '0' && peek() <= '9') {
      if (used < 6) {
        micros = micros * 10 + (peek() - '0');
        ++used;
      }
      ++pos_;
    }
    if (pos_ == start) return false;
    for (; used < 6; ++used) micros *= 10;
    out = micros;
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// Offset: Z | z | (+|-)HH[[:]MM]. Sets seconds east of UTC.
bool parse_offset(Cursor& cursor, int64_t& offset_seconds) {
  if (cursor.consume('Z') || cursor.consume('z')) {
    offset_seconds = 0;
    return true;
  }
  int sign = 0;
  if (cursor.consume('+')) {
    sign = 1;
  } else if (cursor.consume('-')) {
    sign = -1;
  } else {
    return false;
  }
  int hours = 0, minutes = 0;
  if (!cursor.number(2, hours) || hours > 23) return false;
  if (!cursor.done()) {
    cursor.consume(':');
    if (!cursor.number(2, minutes) || minutes > 59) return false;
  }
  offset_seconds = sign * (hours * 3600 + minutes * 60);
  return true;
}

}  // namespace

std::optional<int64_t> parse_datetime_micros(std::string_view text) {
  Cursor cursor(text);
  int year = 0, month = 0, day = 0;
  if (!cursor.number(4, year) || !cursor.consume('-') || !cursor.number(2, month) ||
      !cursor.consume('-') || !cursor.number(2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  int64_t micros = days_from_civil(year, month, day) * 86400LL * 1000000LL;
  if (cursor.done()) return micros;

  if (!(cursor.consume('T') || cursor.consume('t') || cursor.consume(' '))) return std::nullopt;
  int hour = 0, minute = 0, second = 0;
  if (!cursor.number(2, hour) || !cursor.consume(':') || !cursor.number(2, minute)) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59) return std::nullopt;
  micros += (hour * 3600LL + minute * 60LL) * 1000000LL;
  if (cursor.done()) return micros;  // YYYY-MM-DD HH:MM, no seconds and no offset

  if (!cursor.consume(':') || !cursor.number(2, second) || second > 60) return std::nullopt;
  micros += static_cast<int64_t>(second) * 1000000LL;
  if (cursor.consume('.')) {
    int64_t fraction = 0;
    if (!cursor.fraction_micros(fraction)) return std::nullopt;
    micros += fraction;
  }
  if (cursor.done()) return micros;  // no offset: UTC

  int64_t offset_seconds = 0;
  if (!parse_offset(cursor, offset_seconds) || !cursor.done()) return std::nullopt;
  return micros - offset_seconds * 1000000LL;
}

}  // namespace sextant::index::filter
