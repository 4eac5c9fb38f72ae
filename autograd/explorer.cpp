#include "autograd/explorer.h"

#include "autograd/timeline.h"
#include "core/json.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>

namespace atto {

namespace {

// A (rows x cols) tensor as {"rows", "cols", "data"}.
void write_matrix(Json& json, const Tensor& m) {
  if (m.rank() != 2) throw_shape_error("Explorer", "an attention map {} is not (rows, cols)", m.shape());
  json.begin_object().key("rows").value(m.dim(0)).key("cols").value(m.dim(1)).key("data").begin_array();
  for (Index i = 0; i < m.numel(); ++i) json.value(static_cast<double>(m.data()[i]));
  json.end_array().end_object();
}

void write_strings(Json& json, const std::vector<std::string>& texts) {
  json.begin_array();
  for (const std::string& text : texts) json.value(text);
  json.end_array();
}

// Each element of `items`, already JSON, as one array.
void write_array(Json& json, const std::vector<std::string>& items) {
  json.begin_array();
  for (const std::string& item : items) json.raw(item);
  json.end_array();
}

// A map as {title, row_label, col_label, rows[], cols[], heads[]}.
std::string map_json(const AttentionMap& map) {
  Json json;
  json.begin_object().key("title").value(map.title).key("row_label").value(map.row_label);
  json.key("col_label").value(map.col_label).key("rows");
  write_strings(json, map.rows);
  json.key("cols");
  write_strings(json, map.cols);
  json.key("heads").begin_array();
  for (const Tensor& head : map.heads) write_matrix(json, head);
  json.end_array();
  if (!map.queries.empty()) {
    json.key("scale").value(map.scale).key("queries").begin_array();
    for (const Tensor& q : map.queries) write_matrix(json, q);
    json.end_array().key("keys").begin_array();
    for (const Tensor& k : map.keys) write_matrix(json, k);
    json.end_array();
  }
  json.end_object();
  return json.str();
}

}  // namespace

Explorer::Explorer(std::string title, bool enabled)
    : enabled_(enabled),
      title_(std::move(title)),
      watch_([this](const GradcheckResult& result) {
        if (enabled_) checks_.push_back(gradcheck_json(result));
      }) {
  if (enabled_) scopes_.emplace();
}

void Explorer::add_graph(const std::string& caption, const Var& loss, const NodeNames& names) {
  if (!enabled_) return;
  Json json;
  json.begin_object().key("caption").value(caption).key("graph").raw(graph_json(loss, names)).end_object();
  graphs_.push_back(json.str());
}

void check_attention_map(const AttentionMap& map) {
  for (const Tensor& head : map.heads) {
    if (head.rank() != 2 || head.dim(0) != static_cast<Index>(map.rows.size()) ||
        head.dim(1) != static_cast<Index>(map.cols.size())) {
      throw_shape_error("Explorer", "attention map '{}': a head {} for {} row and {} column labels", map.title,
                        head.shape(), map.rows.size(), map.cols.size());
    }
  }
  if (map.queries.empty() && map.keys.empty()) return;
  for (std::size_t h = 0; h < map.heads.size(); ++h) {
    if (map.queries.size() != map.heads.size() || map.keys.size() != map.heads.size() || map.queries[h].rank() != 2 ||
        map.keys[h].rank() != 2 || map.queries[h].dim(0) != map.heads[h].dim(0) ||
        map.keys[h].dim(0) != map.heads[h].dim(1) || map.queries[h].dim(1) != map.keys[h].dim(1)) {
      throw_shape_error("Explorer", "attention map '{}': {} queries and {} keys for {} heads; need per head (rows, d) "
                        "and (cols, d)", map.title, map.queries.size(), map.keys.size(), map.heads.size());
    }
  }
}

void Explorer::add_attention(AttentionMap map) {
  if (!enabled_) return;
  check_attention_map(map);
  attention_.push_back(map_json(map));
}

void Explorer::add_timeline(const Timeline& timeline) {
  if (!enabled_) return;
  Json json;
  json.begin_object().key("title").value(timeline.title()).key("note").value(timeline.note()).key("steps").begin_array();
  for (const Snapshot& snapshot : timeline.snapshots()) {
    json.begin_object().key("step").value(snapshot.step).key("scalars").begin_object();
    for (const auto& [name, value] : snapshot.scalars) json.key(name).value(value);
    json.end_object().key("parameters").begin_array();
    for (const ParameterStep& p : snapshot.parameters) {
      json.begin_object().key("name").value(p.name).key("norm").value(p.norm).key("grad_norm").value(p.grad_norm);
      json.key("log10_update").value(std::log10(p.update_ratio)).end_object();
    }
    json.end_array().key("activations").begin_array();
    for (const ActivationShare& a : snapshot.activations) {
      json.begin_object().key("layer").value(a.layer).key("kind").value(a.kind).key("share").value(a.share);
      json.key("count").value(a.count).end_object();
    }
    json.end_array().key("maps").begin_array();
    for (const AttentionMap& map : snapshot.maps) json.raw(map_json(map));
    json.end_array();
    if (!snapshot.graph.empty()) {
      json.key("graph").value(static_cast<Index>(graphs_.size()));
      Json graph;
      graph.begin_object().key("caption").value(fmt::format("{}: the probe at step {}", timeline.title(), snapshot.step));
      graph.key("graph").raw(snapshot.graph).end_object();
      graphs_.push_back(graph.str());
    }
    json.end_object();
  }
  json.end_array().end_object();
  timelines_.push_back(json.str());
}

void Explorer::add_curve(Curve curve) {
  if (!enabled_) return;
  Json json;
  json.begin_object().key("title").value(curve.title).key("x_label").value(curve.x_label);
  json.key("y_label").value(curve.y_label);
  if (curve.steps_per_point > 0) json.key("steps_per_point").value(curve.steps_per_point);
  json.key("series").begin_array();
  for (const Curve::Series& series : curve.series) {
    json.begin_object().key("name").value(series.name).key("y").begin_array();
    for (double y : series.y) json.value(y);
    json.end_array().end_object();
  }
  json.end_array().end_object();
  curves_.push_back(json.str());
}

void Explorer::set_checks_elsewhere(std::string note, std::string address) {
  elsewhere_note_ = std::move(note);
  elsewhere_address_ = std::move(address);
}

void Explorer::write(const std::string& path) const {
  if (!enabled_) return;
  Json data;
  // Gradient checks need double precision: a page of a float build says so.
  data.begin_object().key("title").value(title_).key("precision").value(sizeof(Real) == 8 ? "double" : "float");
  data.key("graphs");
  write_array(data, graphs_);
  data.key("checks");
  write_array(data, checks_);
  data.key("attention");
  write_array(data, attention_);
  data.key("curves");
  write_array(data, curves_);
  data.key("timelines");
  write_array(data, timelines_);
  if (!elsewhere_address_.empty()) {
    data.key("checks_elsewhere").begin_object().key("note").value(elsewhere_note_);
    data.key("address").value(elsewhere_address_).end_object();
  }
  data.end_object();
  std::ofstream out(path);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>attograd explorer</title>\n"
      << "<style>\n" << kExplorerStyle << "</style>\n</head>\n<body>\n<div id=\"app\"></div>\n"
      << "<script type=\"application/json\" id=\"explorer-data\">" << data.str() << "</script>\n"
      << "<script>\n" << kExplorerScript << "</script>\n</body>\n</html>\n";
  if (!out.flush()) throw IOError(fmt::format("Explorer: cannot write {}", path));
}

}  // namespace atto
