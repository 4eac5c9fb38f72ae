// The date-normalisation task: dates as people write them ("3 may 1998",
// "tuesday, may 3, 1998", "05/03/98", ...) to ISO 8601 ("1998-05-03"), one
// character at a time. Generated from a seed, no downloads. Dates run from
// 1950-01-01 to 2049-12-31, so a two-digit year always means one century.
//
// Slashes are American (month/day/year) and dots European (day.month.year):
// the model has to read the separator to know which number is the month.
#pragma once

#include "tutorials/common/translation.h"

#include <cstdint>
#include <string>
#include <vector>

namespace atto::tutorial {

struct DateSplits {
  std::vector<Translation> train, validation, test;
};

// The same date in each of the formats, by number: kDateFormats of them.
inline constexpr int kDateFormats = 14;
std::string human_date(int year, int month, int day, int format);
std::string iso_date(int year, int month, int day);
// True for "yyyy-mm-dd" naming a day that exists: "2001-02-29" does not.
bool is_valid_iso_date(const std::string& text);

// Source lengths in characters, for reading accuracy by length.
struct LengthBucket {
  const char* name;
  std::size_t shortest, longest;
};
inline constexpr LengthBucket kDateBuckets[] = {{"short (<= 10)", 0, 10}, {"medium (11-17)", 11, 17},
                                                {"long (>= 18)", 18, 1000}};
int date_bucket(const std::string& source);

// Random dates in random formats; no source string appears twice across the
// three splits. The test split holds test_per_bucket examples of each length
// bucket, so long inputs are not outnumbered. Same seed, same data.
DateSplits make_date_splits(std::size_t train, std::size_t validation, std::size_t test_per_bucket,
                            std::uint64_t seed);

}  // namespace atto::tutorial
