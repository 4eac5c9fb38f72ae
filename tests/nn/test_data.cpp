#include "nn/nn.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>

using namespace atto;

TEST_CASE("Standardizer and MinMaxScaler fit on training data and invert") {
  const Tensor x = tensor({{1, 10, 5}, {3, 20, 5}, {5, 60, 5}});
  Standardizer standard;
  standard.fit(x);
  const Tensor z = standard.transform(x);
  CHECK(allclose(mean(z, 0), zeros({3}), 0, 1e-9));
  CHECK(allclose(mean(z * z, 0), tensor({1, 1, 0}), 1e-9, 1e-9));  // the constant column is only centred
  CHECK(allclose(standard.inverse_transform(z), x, 1e-9, 1e-9));
  MinMaxScaler minmax;
  minmax.fit(x);
  CHECK(allclose(minmax.transform(x), tensor({{0, 0, 0}, {0.5, 0.2, 0}, {1, 1, 0}}), 1e-9, 1e-9));
  CHECK(allclose(minmax.inverse_transform(minmax.transform(x)), x, 1e-9, 1e-9));
  CHECK_THROWS_WITH_AS(Standardizer().transform(x), "Standardizer.transform: call fit() first", ArgumentError);
  CHECK_THROWS_WITH_AS(minmax.transform(zeros({2, 2})), "MinMaxScaler.transform: fitted on 3 features, got (2,2)",
                       ShapeError);
}

TEST_CASE("batch_indices: every row once per epoch, seeded") {
  Generator a(3), b(3);
  const auto batches = batch_indices(10, 4, a);
  CHECK(batches.size() == 3);
  CHECK(batches[2].size() == 2);
  std::vector<Index> all;
  for (const auto& batch : batches) all.insert(all.end(), batch.begin(), batch.end());
  std::sort(all.begin(), all.end());
  for (Index i = 0; i < 10; ++i) CHECK(all[i] == i);
  CHECK(batch_indices(10, 4, b) == batches);
  CHECK(batch_indices(10, 4, a, true, true).size() == 2);
  CHECK(batch_indices(5, 2, a, false)[0] == std::vector<Index>{0, 1});
  CHECK_THROWS_AS(batch_indices(5, 0, a), ArgumentError);
}

TEST_CASE("take and train_validation_split") {
  const Tensor x = arange(12).reshape({6, 2});
  CHECK(allclose(take(x, {5, 0}), tensor({{10, 11}, {0, 1}}), 0, 0));
  CHECK_THROWS_AS(take(x, {6}), ShapeError);
  Generator gen(4);
  const auto [train, validation] = train_validation_split(10, 0.3, gen);
  CHECK(train.size() == 7);
  CHECK(validation.size() == 3);
  for (Index v : validation) CHECK(std::find(train.begin(), train.end(), v) == train.end());
  CHECK_THROWS_AS(train_validation_split(10, 1, gen), ArgumentError);
}

TEST_CASE("progress: plain epoch lines when not on a terminal") {
  std::FILE* file = std::tmpfile();
  Progress progress(3, 2, file);
  for (int epoch = 0; epoch < 3; ++epoch) {
    progress.batch_done(16);
    progress.batch_done(16);
    progress.epoch_done(0.5 / (epoch + 1), epoch == 2 ? std::optional<Real>(0.9) : std::nullopt);
  }
  std::rewind(file);
  char buffer[512] = {};
  const size_t read = std::fread(buffer, 1, sizeof(buffer) - 1, file);
  std::fclose(file);
  const std::string text(buffer, read);
  CHECK(text.find("epoch    1/3  loss 0.5000") == 0);
  CHECK(text.find("epoch    3/3  loss 0.1667  acc  90.0%") != std::string::npos);
  CHECK(text.find("ex/s") != std::string::npos);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
}
