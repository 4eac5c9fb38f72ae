#include "autograd/graph_json.h"

#include "core/json.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace atto {

namespace {

// min, max, mean and a heatmap: the tensor's entries as rows (all axes but
// the last) x columns, each cell the mean of a block of f x g entries where
// there are more than 48 rows or 24 columns. f and g are whole, so every
// block but the last of a row or column holds as many entries: two heads'
// rows never share a cell unless the map has more rows than it can show.
void summarise(Json& json, const Tensor& t) {
  json.begin_object();
  if (t.numel() == 0) return void(json.key("empty").value(true).end_object());
  const Real* data = t.data();
  double low = data[0], high = data[0], total = 0;
  for (Index i = 0; i < t.numel(); ++i) {
    low = std::min<double>(low, data[i]);
    high = std::max<double>(high, data[i]);
    total += data[i];
  }
  json.key("min").value(low).key("max").value(high).key("mean").value(total / static_cast<double>(t.numel()));
  if (t.numel() > 1) {
    constexpr Index kMostRows = 48, kMostCols = 24;
    const Index cols = t.rank() == 0 ? 1 : t.shape()[t.rank() - 1], rows = t.numel() / std::max<Index>(cols, 1);
    const Index row_block = (rows + kMostRows - 1) / kMostRows, col_block = (cols + kMostCols - 1) / kMostCols;
    const Index shown_rows = (rows + row_block - 1) / row_block, shown_cols = (cols + col_block - 1) / col_block;
    json.key("heat").begin_object().key("rows").value(shown_rows).key("cols").value(shown_cols);
    json.key("of").begin_array().value(rows).value(cols).end_array();
    json.key("block").begin_array().value(row_block).value(col_block).end_array().key("data").begin_array();
    for (Index r = 0; r < shown_rows; ++r) {
      const Index r0 = r * row_block, r1 = std::min(rows, r0 + row_block);
      for (Index c = 0; c < shown_cols; ++c) {
        const Index c0 = c * col_block, c1 = std::min(cols, c0 + col_block);
        double block = 0;
        for (Index i = r0; i < r1; ++i)
          for (Index j = c0; j < c1; ++j) block += data[i * cols + j];
        json.value(block / static_cast<double>((r1 - r0) * (c1 - c0)));
      }
    }
    json.end_array().end_object();
  }
  json.end_object();
}

// "autograd/ops/primitives.cpp:31": where the op recorded the node, as the
// compiler named the file, shortened to the project's folders when it is
// one of the library's own (a label for the page; nothing is read there).
std::string where_of(const std::source_location& at) {
  std::string path = std::filesystem::path(at.file_name()).lexically_normal().generic_string();
  for (const char* folder : {"autograd/", "nn/", "core/", "tutorials/"}) {
    const std::size_t found = path.rfind(std::string("/") + folder);
    if (found != std::string::npos) {
      path.erase(0, found + 1);
      break;
    }
  }
  while (path.rfind("../", 0) == 0) path.erase(0, 3);
  return fmt::format("{}:{}", path, at.line());
}

void write_shape(Json& json, const Shape& shape) {
  json.begin_array();
  for (Index d : shape) json.value(d);
  json.end_array();
}

// Runs backward from root keeping every gradient; gives the leaves their
// gradients back as they were on the way out.
class GradientsKept {
 public:
  explicit GradientsKept(const Var& root, const std::vector<Node*>& nodes) : nodes_(nodes) {
    for (Node* node : nodes_) {
      saved_.push_back({node->has_grad, node->has_grad ? node->grad : Tensor(), node->retains_grad,
                        node->picture});
      node->retains_grad = true;
      // backward adds into a node's gradient out of place, so the saved
      // tensor is never written: it goes back as it was, where it was.
      node->has_grad = false;
      node->grad = Tensor();
    }
    if (root.requires_grad()) root.backward(ones(root.shape()), true);
  }
  ~GradientsKept() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      nodes_[i]->has_grad = saved_[i].has_grad;
      nodes_[i]->grad = saved_[i].grad;
      nodes_[i]->retains_grad = saved_[i].retains_grad;
      nodes_[i]->picture = std::move(saved_[i].picture);  // the pass numbers, as they were
    }
  }
  GradientsKept(const GradientsKept&) = delete;
  GradientsKept& operator=(const GradientsKept&) = delete;

 private:
  struct Saved {
    bool has_grad;
    Tensor grad;
    bool retains_grad;
    Node::Picture picture;
  };
  const std::vector<Node*>& nodes_;
  std::vector<Saved> saved_;
};

}  // namespace

std::string graph_json(const Var& root, const NodeNames& names) {
  std::vector<Node*> nodes;
  const std::vector<std::shared_ptr<Node>> order = nodes_in_order(root.node());
  for (const auto& node : order) nodes.push_back(node.get());
  const GradientsKept kept(root, nodes);
  std::map<const Node*, Index> ids;
  for (const Node* node : nodes) ids.emplace(node, static_cast<Index>(ids.size()));
  std::map<std::uint64_t, const ScopeInstance*> scopes;
  for (const Node* node : nodes)
    for (const ScopeInstance* s = node->picture.scope.get(); s != nullptr; s = s->parent.get()) scopes.emplace(s->id, s);

  Json json;
  json.begin_object().key("root").value(ids.at(root.node().get())).key("nodes").begin_array();
  for (const Node* node : nodes) {
    const auto named = names.find(node);
    json.begin_object().key("id").value(ids.at(node)).key("op").value(node->op);
    json.key("name").value(named != names.end() ? named->second : node->name);
    json.key("shape");
    write_shape(json, node->value.shape());
    json.key("version").value(static_cast<Index>(node->value.version()));
    json.key("requires_grad").value(node->requires_grad);
    json.key("inputs").begin_array();
    for (const auto& input : node->inputs) json.value(ids.at(input.get()));
    json.end_array();
    if (node->picture.scope) json.key("scope").value(static_cast<Index>(node->picture.scope->id));
    if (!node->is_leaf()) {
      json.key("where").value(where_of(node->picture.recorded_at));
      json.key("formula").value(node->picture.formula ? node->picture.formula : "");
    }
    if (std::ranges::any_of(node->seen, [](const Node::Seen& s) { return s.role == Node::Seen::Role::kept; })) {
      json.key("kept").begin_array();
      for (const Node::Seen& seen : node->seen) {
        if (seen.role == Node::Seen::Role::kept) json.value(seen.name);
      }
      json.end_array();
    }
    json.key("value");
    summarise(json, node->value);
    if (node->has_grad) {
      json.key("grad");
      summarise(json, node->grad);
    }
    if (node->picture.internals) {
      json.key("internals").begin_array();
      for (const auto& [name, tensor] : node->picture.internals()) {
        json.begin_object().key("name").value(name).key("shape");
        write_shape(json, tensor.shape());
        json.key("value");
        summarise(json, tensor);
        json.end_object();
      }
      json.end_array();
    }
    json.end_object();
  }
  json.end_array().key("scopes").begin_array();
  for (const auto& [id, scope] : scopes) {
    json.begin_object().key("id").value(static_cast<Index>(id)).key("name").value(scope->name);
    if (!scope->path.empty()) json.key("path").value(scope->path);
    if (scope->parent) json.key("parent").value(static_cast<Index>(scope->parent->id));
    json.end_object();
  }
  json.end_array().end_object();
  return json.str();
}

std::string gradcheck_json(const GradcheckResult& result) {
  constexpr Index kMost = 64;
  Json json;
  json.begin_object().key("op").value(result.op).key("passed").value(result.passed);
  json.key("failure").value(result.failure).key("report").value(result.report()).key("diagnosis").value(result.diagnosis());
  // Numbers the page computes with are exact: the difference it draws and
  // the tolerance it draws it against are the ones the check used.
  json.key("max_abs_error").exact(result.max_abs_error).key("max_rel_error").exact(result.max_rel_error);
  json.key("entries_beyond").value(result.entries_beyond);
  json.key("atol").exact(result.options.atol).key("rtol").exact(result.options.rtol);
  json.key("output_shape");
  write_shape(json, result.output_shape);
  json.key("inputs").begin_array();
  for (std::size_t i = 0; i < result.analytic_jacobian.size(); ++i) {
    const Index rows = result.output_shape.numel(), cols = result.input_shapes[i].numel();
    const Index shown_rows = std::min(rows, kMost), shown_cols = std::min(cols, kMost);
    json.begin_object().key("shape");
    write_shape(json, result.input_shapes[i]);
    json.key("rows").value(rows).key("cols").value(cols).key("shown_rows").value(shown_rows).key("shown_cols").value(shown_cols);
    const std::vector<double>& analytic = result.analytic_jacobian[i];
    const std::vector<double>& numeric = result.numeric_jacobian[i];
    const auto shown = [&](const auto& write) {
      json.begin_array();
      for (Index r = 0; r < shown_rows; ++r)
        for (Index c = 0; c < shown_cols; ++c) write(static_cast<std::size_t>(r * cols + c));
      json.end_array();
    };
    json.key("analytic");
    shown([&](std::size_t k) { json.exact(analytic[k]); });
    json.key("numeric");
    shown([&](std::size_t k) { json.exact(numeric[k]); });
    json.key("difference");  // computed here, in double, as the check did
    shown([&](std::size_t k) { json.exact(analytic[k] - numeric[k]); });
    Index beyond = 0, beyond_shown = 0;
    for (std::size_t k = 0; k < analytic.size(); ++k) {
      if (result.options.accepts(analytic[k], numeric[k])) continue;
      ++beyond;
      const Index r = static_cast<Index>(k) / cols, c = static_cast<Index>(k) % cols;
      beyond_shown += r < shown_rows && c < shown_cols ? 1 : 0;
    }
    json.key("beyond").value(beyond).key("beyond_shown").value(beyond_shown);
    json.end_object();
  }
  json.end_array().end_object();
  return json.str();
}

}  // namespace atto
