// check_throws<E>(misuse, message): the call must throw an E whose what() is
// exactly `message`. Error messages are part of the interface: a test pins
// down both the type and the words.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <string>

template <class E>
void check_throws(const std::function<void()>& misuse, const std::string& message) {
  CAPTURE(message);
  try {
    misuse();
    FAIL("no exception thrown");
  } catch (const E& e) {
    CHECK(std::string(e.what()) == message);
  }
}
