#include "sim/config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace povsim {

void ConfigNode::push_back(ConfigNode value) { items_.push_back(std::move(value)); }

std::string SourceMark::str() const {
  std::string where = origin ? *origin : std::string("<unknown>");
  if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column);
  return where;
}

ConfigNode ConfigNode::make_scalar(std::string text, SourceMark mark) {
  ConfigNode n;
  n.kind_ = Kind::scalar;
  n.scalar_ = std::move(text);
  n.mark_ = std::move(mark);
  return n;
}

ConfigNode ConfigNode::make_map(SourceMark mark) {
  ConfigNode n;
  n.kind_ = Kind::map;
  n.mark_ = std::move(mark);
  return n;
}

ConfigNode ConfigNode::make_sequence(SourceMark mark) {
  ConfigNode n;
  n.kind_ = Kind::sequence;
  n.mark_ = std::move(mark);
  return n;
}

const ConfigNode* ConfigNode::find(std::string_view key) const {
  for (const auto& e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}

ConfigNode* ConfigNode::find(std::string_view key) {
  for (auto& e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}

ConfigNode& ConfigNode::set(std::string key, ConfigNode value, SourceMark key_mark) {
  if (kind_ == Kind::null) kind_ = Kind::map;
  for (auto& e : entries_) {
    if (e.key == key) {
      e.value = std::move(value);
      e.key_mark = std::move(key_mark);
      return e.value;
    }
  }
  entries_.push_back(Entry{std::move(key), std::move(key_mark), std::move(value)});
  return entries_.back().value;
}

bool ConfigNode::erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->key == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

void ConfigNode::merge_from(const ConfigNode& overlay) {
  if (kind_ != Kind::map || overlay.kind_ != Kind::map) {
    *this = overlay;
    return;
  }
  for (const auto& e : overlay.entries_) {
    if (ConfigNode* mine = find(e.key))
      mine->merge_from(e.value);
    else
      set(e.key, e.value, e.key_mark);
  }
}

namespace {

SourceMark mark_of(const YAML::Node& node, const std::shared_ptr<const std::string>& origin) {
  const YAML::Mark m = node.Mark();
  return SourceMark{origin, m.line + 1, m.column + 1};
}

ConfigNode convert(const YAML::Node& node, const std::shared_ptr<const std::string>& origin) {
  const SourceMark mark = mark_of(node, origin);
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return ConfigNode::make_scalar(node.Scalar(), mark);
    case YAML::NodeType::Sequence: {
      ConfigNode seq = ConfigNode::make_sequence(mark);
      for (const auto& item : node) seq.push_back(convert(item, origin));
      return seq;
    }
    case YAML::NodeType::Map: {
      ConfigNode map = ConfigNode::make_map(mark);
      for (const auto& kv : node) {
        if (!kv.first.IsScalar())
          throw ConfigError(mark_of(kv.first, origin).str() + ": map keys must be plain scalars");
        const std::string key = kv.first.Scalar();
        if (map.find(key))
          throw ConfigError(mark_of(kv.first, origin).str() + ": duplicate key '" + key + "'");
        map.set(key, convert(kv.second, origin), mark_of(kv.first, origin));
      }
      return map;
    }
    default: {
      ConfigNode null_node;
      return null_node;
    }
  }
}

ConfigNode load_recursive(const std::filesystem::path& path, std::vector<std::filesystem::path>& chain) {
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(path, ec);
  for (const auto& seen : chain)
    if (seen == canonical) throw ConfigError(path.string() + ": `extends` forms a cycle");
  std::ifstream in(path);
  if (!in) throw ConfigError(path.string() + ": cannot open scenario file (" +
                             (std::filesystem::exists(path) ? "permission denied" : "no such file") + ")");
  std::stringstream buffer;
  buffer << in.rdbuf();
  ConfigNode doc = parse_yaml(buffer.str(), path.string());
  if (doc.is_null()) doc = ConfigNode::make_map(SourceMark{std::make_shared<const std::string>(path.string()), 1, 1});
  if (!doc.is_map()) throw ConfigError(doc.mark().str() + ": a scenario must be a YAML map of keys");

  const ConfigNode* extends = doc.find("extends");
  if (!extends) return doc;
  if (!extends->is_scalar() || extends->scalar().empty())
    throw ConfigError(extends->mark().str() + ": extends: expected the path of another scenario file");
  const std::filesystem::path base_path = path.parent_path() / extends->scalar();
  chain.push_back(canonical);
  ConfigNode merged = load_recursive(base_path, chain);
  chain.pop_back();
  doc.erase("extends");
  merged.merge_from(doc);
  return merged;
}

void emit(YAML::Emitter& out, const ConfigNode& node) {
  switch (node.kind()) {
    case ConfigNode::Kind::null:
      out << YAML::Null;
      break;
    case ConfigNode::Kind::scalar:
      out << node.scalar();
      break;
    case ConfigNode::Kind::sequence:
      out << YAML::BeginSeq;
      for (const auto& item : node.items()) emit(out, item);
      out << YAML::EndSeq;
      break;
    case ConfigNode::Kind::map:
      out << YAML::BeginMap;
      for (const auto& e : node.entries()) {
        out << YAML::Key << e.key << YAML::Value;
        emit(out, e.value);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

ConfigNode parse_yaml(const std::string& text, const std::string& origin) {
  auto origin_ptr = std::make_shared<const std::string>(origin);
  try {
    return convert(YAML::Load(text), origin_ptr);
  } catch (const YAML::Exception& e) {
    throw ConfigError(SourceMark{origin_ptr, e.mark.line + 1, e.mark.column + 1}.str() +
                      ": invalid YAML: " + e.msg);
  }
}

ConfigNode load_yaml_with_extends(const std::string& path) {
  std::vector<std::filesystem::path> chain;
  return load_recursive(path, chain);
}

void apply_override(ConfigNode& root, std::string_view assignment) {
  const auto eq = assignment.find('=');
  const std::string origin_text = "--set " + std::string(assignment);
  if (eq == std::string_view::npos || eq == 0)
    throw ConfigError(origin_text + ": expected PATH=VALUE, e.g. shocks.illness.reimbursement_rate=0.6");
  const std::string path(assignment.substr(0, eq));
  const std::string value(assignment.substr(eq + 1));
  SourceMark mark{std::make_shared<const std::string>(origin_text), 0, 0};

  ConfigNode* node = &root;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) throw ConfigError(origin_text + ": empty component in path '" + path + "'");
    if (!node->is_map() && !node->is_null())
      throw ConfigError(origin_text + ": '" + path.substr(0, start ? start - 1 : 0) +
                        "' is not a map, so it has no key '" + key + "'");
    if (dot == std::string::npos) {
      ConfigNode* existing = node->find(key);
      if (existing && (existing->is_map() || existing->is_sequence()))
        throw ConfigError(origin_text + ": '" + path + "' is a " + (existing->is_map() ? "map" : "list") +
                          "; --set replaces scalars only");
      node->set(key, ConfigNode::make_scalar(value, mark), mark);
      return;
    }
    ConfigNode* child = node->find(key);
    if (!child) child = &node->set(key, ConfigNode::make_map(mark), mark);
    node = child;
    start = dot + 1;
  }
}

std::string to_yaml(const ConfigNode& root) {
  YAML::Emitter out;
  emit(out, root);
  return std::string(out.c_str()) + "\n";
}

}  // namespace povsim
