#include "autograd/explorer.h"

#include "core/json.h"

#include <fmt/format.h>

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

void Explorer::add_attention(AttentionMap map) {
  if (!enabled_) return;
  for (const Tensor& head : map.heads) {
    if (head.rank() != 2 || head.dim(0) != static_cast<Index>(map.rows.size()) ||
        head.dim(1) != static_cast<Index>(map.cols.size())) {
      throw_shape_error("Explorer", "attention map '{}': a head {} for {} row and {} column labels", map.title,
                        head.shape(), map.rows.size(), map.cols.size());
    }
  }
  Json json;
  json.begin_object().key("title").value(map.title).key("row_label").value(map.row_label);
  json.key("col_label").value(map.col_label).key("rows");
  write_strings(json, map.rows);
  json.key("cols");
  write_strings(json, map.cols);
  json.key("heads").begin_array();
  for (const Tensor& head : map.heads) write_matrix(json, head);
  json.end_array().end_object();
  attention_.push_back(json.str());
}

void Explorer::add_curve(Curve curve) {
  if (!enabled_) return;
  Json json;
  json.begin_object().key("title").value(curve.title).key("x_label").value(curve.x_label);
  json.key("y_label").value(curve.y_label).key("series").begin_array();
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
