#include "nn/nn.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace atto;

namespace {

class Net : public Module {
 public:
  explicit Net(std::uint64_t seed, Index hidden = 8) : gen_(seed), first(3, {.units = hidden, .activation = Activation::tanh}, gen_),
                                                        second(hidden, {.units = 2}, gen_) {
    register_module("first", first);
    register_module("second", second);
  }
  std::string type_name() const override { return "Net"; }
  Var operator()(const Var& x) { return second(first(x)); }

 private:
  Generator gen_;

 public:
  Dense first, second;
};

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

bool same_parameters(const Module& a, const Module& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  for (size_t i = 0; i < pa.size(); ++i) {
    if (std::memcmp(pa[i].second.value().data(), pb[i].second.value().data(),
                    sizeof(Real) * pa[i].second.value().numel()) != 0) {
      return false;
    }
  }
  return true;
}

// Loading `bytes` must throw CheckpointError with `message` in it, and leave the model as it was.
void check_rejected(const std::string& bytes, const std::string& message) {
  CAPTURE(message);
  const std::string path = "test_checkpoint_bad.atto";
  write_file(path, bytes);
  Net model(99), untouched(99);
  try {
    load_checkpoint(path, model);
    FAIL("no exception");
  } catch (const CheckpointError& e) {
    CHECK(std::string(e.what()).find(message) != std::string::npos);
  }
  CHECK(same_parameters(model, untouched));
  std::remove(path.c_str());
}

// `body` followed by its FNV-1a checksum, as the format ends.
std::string with_checksum(std::string body) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : body) hash = (hash ^ c) * 0x100000001b3ULL;
  body.append(reinterpret_cast<const char*>(&hash), sizeof(hash));
  return body;
}

// A checkpoint of `model` written by hand with elements of type `Stored`, as
// a build of the other precision would write it (format in nn/checkpoint.h).
// `extra`, if given, adds one more entry of that name holding the scalar
// `extra_value`; `junk` goes between the last entry and the checksum.
template <class Stored>
std::string checkpoint_bytes_as(const Module& model, const std::string& extra = "", double extra_value = 0,
                                const std::string& junk = "") {
  std::string bytes = "ATTOCKPT";
  const auto put = [&bytes](auto value) { bytes.append(reinterpret_cast<const char*>(&value), sizeof(value)); };
  const auto parameters = model.named_parameters();
  put(std::uint32_t{1});
  put(static_cast<std::uint8_t>(sizeof(Stored)));
  put(static_cast<std::uint32_t>(parameters.size() + (extra.empty() ? 0 : 1)));
  for (const auto& [name, parameter] : parameters) {
    put(static_cast<std::uint32_t>(name.size() + 6));
    bytes += "param/" + name;
    put(static_cast<std::uint32_t>(parameter.value().rank()));
    for (Index d : parameter.shape()) put(static_cast<std::int64_t>(d));
    for (Index i = 0; i < parameter.value().numel(); ++i) put(static_cast<Stored>(parameter.value().data()[i]));
  }
  if (!extra.empty()) {
    put(static_cast<std::uint32_t>(extra.size()));
    bytes += extra;
    put(std::uint32_t{0});
    put(static_cast<Stored>(extra_value));
  }
  return with_checksum(bytes + junk);
}

}  // namespace

TEST_CASE("checkpoint: files from the other precision's build load, converted") {
  const std::string path = "test_checkpoint_precision.atto";
  Net source(7);
  using Other = std::conditional_t<std::is_same_v<Real, float>, double, float>;
  write_file(path, checkpoint_bytes_as<Other>(source));
  Net loaded(8);
  load_checkpoint(path, loaded);
  // float -> double -> float is exact; double -> float -> double rounds to float.
  const auto expected = source.named_parameters(), got = loaded.named_parameters();
  for (size_t i = 0; i < got.size(); ++i) {
    for (Index j = 0; j < got[i].second.value().numel(); ++j) {
      CHECK(got[i].second.value().data()[j] == static_cast<Real>(static_cast<Other>(expected[i].second.value().data()[j])));
    }
  }
  std::remove(path.c_str());
}

TEST_CASE("checkpoint: a round trip preserves predictions bit for bit, with optimizer state") {
  const std::string path = "test_checkpoint_roundtrip.atto";
  Net model(1);
  Adam adam(model.parameters(), {0.01});
  const Tensor x = Generator(5).normal({4, 3});
  sum(model(Var(x))).backward();
  adam.step();
  save_checkpoint(path, model, &adam);
  for (const auto& entry : std::filesystem::directory_iterator(".")) {
    CHECK_FALSE(entry.path().filename().string().starts_with(path + ".tmp"));  // no temporary left behind
  }

  Net restored(2);
  Adam restored_adam(restored.parameters(), {0.01});
  CHECK_FALSE(same_parameters(model, restored));
  load_checkpoint(path, restored, &restored_adam);
  CHECK(same_parameters(model, restored));
  const Tensor a = model(Var(x)).value(), b = restored(Var(x)).value();
  CHECK(std::memcmp(a.data(), b.data(), sizeof(Real) * a.numel()) == 0);
  CHECK(restored_adam.steps() == 1);
  // The optimizer state came back too: one more identical step on each stays identical.
  for (Net* net : {&model, &restored}) {
    net->zero_grad();
    sum((*net)(Var(x))).backward();
  }
  adam.step();
  restored_adam.step();
  CHECK(same_parameters(model, restored));
  std::remove(path.c_str());
}

TEST_CASE("checkpoint: every kind of bad file is refused and leaves the model untouched") {
  const std::string path = "test_checkpoint_source.atto";
  Net source(1);
  save_checkpoint(path, source);
  const std::string good = read_file(path);
  std::remove(path.c_str());

  check_rejected(good.substr(0, good.size() / 2), "checksum mismatch");
  check_rejected(good.substr(0, 10), "truncated");
  check_rejected("", "bad magic");
  check_rejected("not a checkpoint at all", "bad magic");
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x10;
  check_rejected(flipped, "checksum mismatch");
  std::string other_version = good;
  other_version[8] = 2;
  check_rejected(other_version, "format version 2, but this build reads version 1");

  Net smaller(1, 4);
  save_checkpoint(path, smaller);
  check_rejected(read_file(path), "'param/first.kernel' is (3,4) in the file but (3,8) in the model");
  std::remove(path.c_str());

  struct Other : Module {
    Other() : dense(3, {.units = 8}) { register_module("first", dense); }
    std::string type_name() const override { return "Other"; }
    Dense dense;
  } other;
  save_checkpoint(path, other);
  check_rejected(read_file(path), "has no 'param/second.kernel'");
  std::remove(path.c_str());

  Net model(3);
  CHECK_THROWS_WITH_AS(load_checkpoint("no_such_file.atto", model), "load_checkpoint: cannot open 'no_such_file.atto': No such file or directory",
                       CheckpointError);
  CHECK_THROWS_AS(save_checkpoint("/no/such/folder/x.atto", model), CheckpointError);
}

TEST_CASE("checkpoint: junk before the checksum, unknown entries and out-of-range values are refused") {
  const Net model(3);
  check_rejected(checkpoint_bytes_as<Real>(model, "", 0, "junk"), "4 unexpected bytes before the checksum");
  check_rejected(checkpoint_bytes_as<Real>(model, "notes/author"), "holds 'notes/author', which the model does not have");
  // Optimizer state may stay unread when a model is loaded alone.
  const std::string path = "test_checkpoint_optim_only.atto";
  write_file(path, checkpoint_bytes_as<Real>(model, "optim/m.0"));
  Net loaded(4);
  load_checkpoint(path, loaded);
  CHECK(same_parameters(loaded, model));
  std::remove(path.c_str());
  if constexpr (std::is_same_v<Real, float>) {
    check_rejected(checkpoint_bytes_as<double>(model, "param/first.kernel_copy", 1e300),
                   "'param/first.kernel_copy' holds 1e+300 at position 0, beyond the range of this build's numbers");
  }
}

TEST_CASE("checkpoint: a file with a parameter the model lacks is refused") {
  const std::string path = "test_checkpoint_extra.atto";
  struct Bigger : Module {
    Bigger() : first(3, {.units = 8}), second(8, {.units = 2}), third(2, {.units = 2}) {
      register_module("first", first);
      register_module("second", second);
      register_module("third", third);
    }
    std::string type_name() const override { return "Bigger"; }
    Dense first, second, third;
  } bigger;
  save_checkpoint(path, bigger);
  check_rejected(read_file(path), "holds 'param/third.bias', which the model does not have");
  std::remove(path.c_str());
}
