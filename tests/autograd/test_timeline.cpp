#include "autograd/autograd.h"
#include "tests/check_throws.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

using namespace atto;

namespace {

const ActivationShare* find_share(const std::vector<ActivationShare>& shares, const std::string& kind) {
  for (const ActivationShare& share : shares) {
    if (share.kind == kind) return &share;
  }
  return nullptr;
}

// The page `page` writes, as text (written to `path` and removed again).
std::string page_text(const Explorer& page, const std::string& path) {
  page.write(path);
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  std::remove(path.c_str());
  return text.str();
}

}  // namespace

TEST_CASE("activation shares: saturated tanh and sigmoid units, dead ReLU columns, one-hot softmax rows") {
  const Var x(tensor({{3, 0.1}, {-3, 0.5}}), true);
  const Var y = sum(tanh(x)) + sum(sigmoid(x)) + sum(relu(x - Var(tensor({{0, 1}, {0, 1}})))) +
                sum(softmax(Var(tensor({{10, 0, 0}, {0, 0, 0}}), true) * x.value().at({0, 0})));
  const std::vector<ActivationShare> shares = activation_shares(y);
  REQUIRE(shares.size() == 4);
  CHECK(find_share(shares, "tanh saturated")->share == doctest::Approx(0.5));     // |tanh(3)| = 0.995
  CHECK(find_share(shares, "sigmoid saturated")->share == doctest::Approx(0.0));  // sigmoid(3) = 0.953
  CHECK(find_share(shares, "relu dead")->share == doctest::Approx(0.5));          // column 1 is 0 in both rows
  CHECK(find_share(shares, "relu dead")->count == 2);
  CHECK(find_share(shares, "softmax one-hot")->share == doctest::Approx(0.5));    // row 0 only
  CHECK(find_share(shares, "tanh saturated")->layer.empty());
}

TEST_CASE("activation shares: per layer while scopes are recorded, and inside a fused op's internals") {
  const ScopeRecording recording;
  const Var q(tensor({{{20, 0}, {0, 0}}}), true);
  const Var k(tensor({{{1, 0}, {0, 0}}}), true);
  const Var out = [&] {
    const GraphScope scope("Attention", "decoder.attention");
    return scaled_dot_product_attention(q, k, k, 1);
  }();
  const std::vector<ActivationShare> shares = activation_shares(sum(out));
  REQUIRE(shares.size() == 1);
  CHECK(shares[0].layer == "decoder.attention");
  CHECK(shares[0].kind == "softmax one-hot");
  CHECK(shares[0].count == 2);
  CHECK(shares[0].share == doctest::Approx(0.5));
}

TEST_CASE("timeline: snapshots in step order, maps rounded to 3 decimals, misuse named") {
  Timeline timeline("run");
  check_throws<ArgumentError>([&] { timeline.add_scalar("loss", 1); },
                              "Timeline 'run': add_ before the first begin(step)");
  timeline.begin(0);
  timeline.add_scalar("loss", 2.5);
  timeline.add_map({.title = "probe", .rows = {"a"}, .cols = {"x", "y"}, .heads = {tensor({{0.12345, 0.87655}})}});
  check_throws<ShapeError>(
      [&] { timeline.add_map({.title = "bad", .rows = {"a", "b"}, .cols = {"x"}, .heads = {tensor({{1.0}})}}); },
      "Explorer: attention map 'bad': a head (1,1) for 2 row and 1 column labels");
  check_throws<ArgumentError>([&] { timeline.begin(0); }, "Timeline 'run': step 0 after step 0: steps must increase");
  timeline.begin(5);
  REQUIRE(timeline.snapshots().size() == 2);
  const Snapshot& first = timeline.snapshots()[0];
  CHECK(first.scalars == std::vector<std::pair<std::string, double>>{{"loss", 2.5}});
  CHECK(first.maps[0].heads[0].at({0, 0}) == doctest::Approx(0.123));
  CHECK(first.maps[0].heads[0].at({0, 1}) == doctest::Approx(0.877));
  CHECK(timeline.snapshots()[1].step == 5);
}

TEST_CASE("explorer: a timeline's snapshots and its probe graphs reach the page's data") {
  Timeline timeline("run");
  const Var w(tensor({{0.5, -0.5}}), true);
  for (Index step : {0, 10}) {
    timeline.begin(step);
    timeline.add_scalar("loss", 1.0 / (step + 1));
    timeline.add_parameter({.name = "w", .norm = 1, .grad_norm = 0.5, .update_ratio = 1e-3});
    timeline.add_activations(sum(tanh(w)));
    if (step == 10) timeline.add_graph(sum(tanh(w)), {{w.node().get(), "w"}});
  }
  Explorer page("timeline test");
  page.add_timeline(timeline);
  const std::string html = page_text(page, "test_timeline_page.html");
  CHECK(html.find(R"("timelines":[{"title":"run","note":"","steps":[{"step":0,"scalars":{"loss":1})") != std::string::npos);
  CHECK(html.find(R"({"name":"w","norm":1,"grad_norm":0.5,"log10_update":-3})") != std::string::npos);
  CHECK(html.find(R"({"layer":"","kind":"tanh saturated","share":0,"count":2})") != std::string::npos);
  CHECK(html.find(R"("graph":0})") != std::string::npos);  // the step-10 snapshot's graph is the page's first
  CHECK(html.find(R"("caption":"run: the probe at step 10")") != std::string::npos);
}

TEST_CASE("explorer: an attention map's queries and keys, checked against its heads and written beside them") {
  AttentionMap map{.title = "m", .rows = {"a"}, .cols = {"x", "y"}, .heads = {tensor({{0.25, 0.75}})},
                   .queries = {tensor({{1.0, 2.0}})}, .keys = {tensor({{0.5, 0.0}, {1.0, 1.0}})}, .scale = 0.5};
  check_attention_map(map);
  Explorer page("vectors");
  page.add_attention(map);
  CHECK(page_text(page, "test_vectors_page.html").find(R"("scale":0.5,"queries":[{"rows":1,"cols":2,"data":[1,2]}],"keys":[{"rows":2,"cols":2,)") !=
        std::string::npos);
  map.keys = {tensor({{0.5, 0.0}})};
  check_throws<ShapeError>([&] { check_attention_map(map); },
                           "Explorer: attention map 'm': 1 queries and 1 keys for 1 heads; need per head (rows, d) and "
                           "(cols, d)");
}

TEST_CASE("explorer: a curve tied to the timeline's run says its steps per point, others say nothing") {
  Explorer page("curves");
  page.add_curve({.title = "per epoch", .y_label = "loss", .series = {{"a", {1.0, 0.5}}}, .steps_per_point = 625});
  page.add_curve({.title = "alone", .y_label = "loss", .series = {{"b", {1.0}}}});
  const std::string html = page_text(page, "test_curves_page.html");
  CHECK(html.find(R"("title":"per epoch","x_label":"epoch","y_label":"loss","steps_per_point":625,"series")") !=
        std::string::npos);
  CHECK(html.find(R"("title":"alone","x_label":"epoch","y_label":"loss","series")") != std::string::npos);
}
