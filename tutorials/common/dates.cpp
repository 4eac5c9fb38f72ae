#include "tutorials/common/dates.h"

#include "core/random.h"

#include <fmt/format.h>

#include <array>
#include <set>

namespace atto::tutorial {

namespace {

constexpr std::array<const char*, 12> kMonths = {"january", "february", "march",     "april",   "may",      "june",
                                                 "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<const char*, 7> kWeekdays = {"sunday",   "monday", "tuesday", "wednesday",
                                                  "thursday", "friday", "saturday"};

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// 0 = sunday (Sakamoto's method).
int weekday(int year, int month, int day) {
  constexpr std::array<int, 12> kOffsets = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (month < 3) year -= 1;
  return (year + year / 4 - year / 100 + year / 400 + kOffsets[month - 1] + day) % 7;
}

std::string ordinal(int day) {
  const int last = day % 10;
  const char* suffix = (day / 10 == 1 || last > 3 || last == 0) ? "th" : last == 1 ? "st" : last == 2 ? "nd" : "rd";
  return fmt::format("{}{}", day, suffix);
}

}  // namespace

std::string iso_date(int year, int month, int day) { return fmt::format("{:04}-{:02}-{:02}", year, month, day); }

std::string human_date(int year, int month, int day, int format) {
  const std::string month_name = kMonths[month - 1], weekday_name = kWeekdays[weekday(year, month, day)];
  const int yy = year % 100;
  switch (format) {
    case 0: return fmt::format("{} {} {}", day, month_name, year);
    case 1: return fmt::format("{:02} {} {}", day, month_name, year);
    case 2: return fmt::format("{} {}, {}", month_name, day, year);
    case 3: return fmt::format("{}, {} {}, {}", weekday_name, month_name, day, year);
    case 4: return fmt::format("{} {} {} {}", weekday_name, day, month_name, year);
    case 5: return fmt::format("{:02}/{:02}/{:02}", month, day, yy);
    case 6: return fmt::format("{}/{}/{}", month, day, year);
    case 7: return fmt::format("{}.{}.{}", day, month, year);
    case 8: return fmt::format("{} {} {}", month_name.substr(0, 3), day, year);
    case 9: return fmt::format("{} {} {:02}", day, month_name, yy);
    case 10: return fmt::format("the {} of {}, {}", ordinal(day), month_name, year);
    case 11: return fmt::format("{}, {} {} {}", weekday_name.substr(0, 3), day, month_name.substr(0, 3), year);
    case 12: return fmt::format("{} {}, {}", month_name.substr(0, 3), day, year);
    default: return fmt::format("{:04}{:02}{:02}", year, month, day);
  }
}

int date_bucket(const std::string& source) {
  for (int b = 0; b < static_cast<int>(std::size(kDateBuckets)); ++b) {
    if (source.size() >= kDateBuckets[b].shortest && source.size() <= kDateBuckets[b].longest) return b;
  }
  return static_cast<int>(std::size(kDateBuckets)) - 1;
}

DateSplits make_date_splits(std::size_t train, std::size_t validation, std::size_t test_per_bucket,
                            std::uint64_t seed) {
  Generator gen(seed);
  std::set<std::string> seen;
  // A new random (date, format) whose source has not been used yet.
  const auto draw = [&] {
    for (;;) {
      const int year = 1950 + static_cast<int>(gen.randint(100)), month = 1 + static_cast<int>(gen.randint(12));
      const int day = 1 + static_cast<int>(gen.randint(days_in_month(year, month)));
      Translation pair{human_date(year, month, day, static_cast<int>(gen.randint(kDateFormats))),
                       iso_date(year, month, day)};
      if (seen.insert(pair.source).second) return pair;
    }
  };
  DateSplits splits;
  std::vector<std::size_t> per_bucket(std::size(kDateBuckets), 0);
  while (splits.test.size() < test_per_bucket * std::size(kDateBuckets)) {
    Translation pair = draw();
    std::size_t& count = per_bucket[date_bucket(pair.source)];
    if (count == test_per_bucket) {
      seen.erase(pair.source);  // not used after all
      continue;
    }
    ++count;
    splits.test.push_back(std::move(pair));
  }
  while (splits.validation.size() < validation) splits.validation.push_back(draw());
  while (splits.train.size() < train) splits.train.push_back(draw());
  return splits;
}

bool is_valid_iso_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const int year = std::stoi(text.substr(0, 4)), month = std::stoi(text.substr(5, 2)), day = std::stoi(text.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

}  // namespace atto::tutorial
