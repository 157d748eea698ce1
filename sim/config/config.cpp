#include "sim/config/config.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace povsim {

namespace {

// Length of the UTF-8 sequence starting at s[i] (1 to 4), or 0 when it is not well-formed
// (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) n = 3, hi = 0x9F;
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::string one_line(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= max_bytes) {
      out += "... (cut; " + std::to_string(text.size()) + " bytes in all)";
      return out;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t n = utf8_length(text, i);
    // C1 controls (U+0080 to U+009F, NEL among them) and the Unicode line and paragraph
    // separators end a line in some terminals and editors: escape them too.
    const bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    const bool separator = n == 3 && c == 0xE2 && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                           (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9);
    if (c1 || separator) {
      char code[16];
      std::snprintf(code, sizeof code, "\\u%04x",
                    c1 ? static_cast<unsigned>(static_cast<unsigned char>(text[i + 1]))
                       : 0x2000u + static_cast<unsigned char>(text[i + 2]) - 0x80u);
      out += code;
      i += n;
      continue;
    }
    if (n > 1) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == 0) out += "\\0";
    else if (c < 0x20 || c == 0x7F || n == 0) out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
    else out += static_cast<char>(c);
    ++i;
  }
  return out;
}

// 4096: room for the longest message the loader writes (a path, a YAML path and the list of
// allowed keys), with every echoed value already cut to kMaxEchoedBytes.
ConfigError::ConfigError(const std::string& message) : std::runtime_error(one_line(message, 4096)) {}

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

ConfigNode ConfigNode::make_null(SourceMark mark) {
  ConfigNode n;
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
  // The map and any key the overlay repeats now point at the overlay's file: an error about the
  // merged map (two entries for one date, a rule across its fields) names the file that changed it
  // last, the user's rather than the base's.
  if (overlay.mark_.origin) mark_ = overlay.mark_;
  for (const auto& e : overlay.entries_) {
    const auto mine = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& m) { return m.key == e.key; });
    if (mine == entries_.end()) {
      set(e.key, e.value, e.key_mark);
      continue;
    }
    if (e.key_mark.origin) mine->key_mark = e.key_mark;
    mine->value.merge_from(e.value);
  }
}

namespace {

SourceMark mark_of(const YAML::Node& node, const std::shared_ptr<const std::string>& origin) {
  const YAML::Mark m = node.Mark();
  if (m.is_null() || m.line < 0) return SourceMark{origin, 0, 0};
  return SourceMark{origin, m.line + 1, m.column + 1};
}

std::string shown_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "'" + one_line(node.Scalar()) + "'";
    default: return "nothing";
  }
}

// Turns yaml-cpp's node graph into a ConfigNode tree. yaml-cpp resolves an alias to the anchored
// node itself, so `&x [*x]` is a graph with a cycle and an alias chain is a DAG whose expansion is
// exponential: the walk keeps its ancestors to detect cycles and counts every node it emits.
class Converter {
 public:
  Converter(std::shared_ptr<const std::string> origin, std::size_t& nodes) : origin_(std::move(origin)), nodes_(nodes) {}

  // `fallback`: where to point for a node yaml-cpp gives no position (an empty value).
  ConfigNode convert(const YAML::Node& node, const std::string& path, const SourceMark& fallback) {
    SourceMark mark = mark_of(node, origin_);
    if (mark.line == 0) mark = fallback;
    // Built only on error: this runs for every node.
    const auto where = [&](const SourceMark& at) {
      return at.str() + ": " + (path.empty() ? std::string() : one_line(path) + ": ");
    };
    // An alias node carries its anchor's position; `fallback` is where the alias is used.
    for (const auto& a : ancestors_)
      if (a.is(node))
        throw ConfigError(where(fallback) + "an alias refers to a map or list that contains it (a cycle); "
                                            "an anchored node may not use its own alias");
    if (++nodes_ > kMaxScenarioNodes)
      throw ConfigError(where(mark) + "more than " + std::to_string(kMaxScenarioNodes) +
                        " YAML nodes (every use of an alias counts as a copy); see docs/scenarios.md");
    if (static_cast<int>(ancestors_.size()) >= kMaxScenarioDepth)
      throw ConfigError(where(mark) + "maps and lists nested more than " + std::to_string(kMaxScenarioDepth) +
                        " levels deep; see docs/scenarios.md");
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        return ConfigNode::make_scalar(node.Scalar(), mark);
      case YAML::NodeType::Sequence: {
        ConfigNode seq = ConfigNode::make_sequence(mark);
        ancestors_.push_back(node);
        std::size_t i = 0;
        for (const auto& item : node) {
          seq.push_back(convert(item, path + "[" + std::to_string(i) + "]", mark));
          ++i;
        }
        ancestors_.pop_back();
        return seq;
      }
      case YAML::NodeType::Map: {
        ConfigNode map = ConfigNode::make_map(mark);
        ancestors_.push_back(node);
        for (const auto& kv : node) {
          SourceMark key_mark = mark_of(kv.first, origin_);
          if (key_mark.line == 0) key_mark = mark;
          if (!kv.first.IsScalar())
            throw ConfigError(key_mark.str() + ": " + (path.empty() ? std::string() : one_line(path) + ": ") +
                              "map keys must be plain text, got " + shown_kind(kv.first));
          const std::string key = kv.first.Scalar();
          const std::string child = path.empty() ? key : path + "." + key;
          if (map.find(key))
            throw ConfigError(key_mark.str() + ": " + (path.empty() ? std::string() : one_line(child) + ": ") +
                              "duplicate key '" + one_line(key) + "'");
          map.set(key, convert(kv.second, child, key_mark), key_mark);
        }
        ancestors_.pop_back();
        return map;
      }
      default:
        // yaml-cpp places an empty value (`key:`) at the next token, often the next line: point at
        // the key instead.
        return ConfigNode::make_null(fallback);
    }
  }

 private:
  std::shared_ptr<const std::string> origin_;
  std::size_t& nodes_;
  std::vector<YAML::Node> ancestors_;
};

// YAML text is Unicode; scenario files are UTF-8 (a leading byte order mark is fine). Raw control
// characters other than tab, line feed and carriage return are not allowed in YAML at all, and a
// NUL would silently cut a path passed on to the operating system.
void check_text(std::string_view text, const std::shared_ptr<const std::string>& origin) {
  int line = 1, column = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t n = utf8_length(text, i);
    const auto at = [&] { return SourceMark{origin, line, column}.str() + ": "; };
    if (n == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", c);
      throw ConfigError(at() + "invalid UTF-8 (byte " + hex + "); scenario files must be UTF-8 text");
    }
    if (n == 1 && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", c);
      throw ConfigError(at() + "control character " + hex + (c == 0 ? " (NUL)" : "") +
                        " is not allowed in a YAML file; write it as an escape inside double quotes");
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else if (!(c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      ++column;
    }
    i += n;
  }
}

// A first pass over the parser's events, before yaml-cpp builds its node graph: building costs
// some microseconds per node, so a 1 MiB flow list of half a million items would take seconds and
// hundreds of MB before the tree conversion could count it. Counts nodes as written (aliases once;
// the conversion counts their expansion) against what is left of the budget, and nesting depth.
class Census : public YAML::EventHandler {
 public:
  Census(std::shared_ptr<const std::string> origin, std::size_t budget) : origin_(std::move(origin)), budget_(budget) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { count(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { count(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { count(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(m);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(m);
  }
  void OnMapEnd() override { --depth_; }

 private:
  std::string at(const YAML::Mark& m) const { return SourceMark{origin_, m.line + 1, m.column + 1}.str() + ": "; }
  void count(const YAML::Mark& m) {
    if (++nodes_ > budget_)
      throw ConfigError(at(m) + "more than " + std::to_string(kMaxScenarioNodes) +
                        " YAML nodes (every use of an alias counts as a copy); see docs/scenarios.md");
  }
  void open(const YAML::Mark& m) {
    count(m);
    if (++depth_ > kMaxScenarioDepth)
      throw ConfigError(at(m) + "maps and lists nested more than " + std::to_string(kMaxScenarioDepth) +
                        " levels deep; see docs/scenarios.md");
  }

  std::shared_ptr<const std::string> origin_;
  std::size_t budget_;
  std::size_t nodes_ = 0;
  int depth_ = 0;
};

// Parses `text` into the tree of its one document; nullopt when it holds no document (empty,
// comments or directives only). `nodes` counts converted nodes across calls (an extends chain).
std::optional<ConfigNode> parse_document(const std::string& text, const std::shared_ptr<const std::string>& origin,
                                         std::size_t& nodes) {
  check_text(text, origin);
  std::vector<YAML::Node> docs;
  try {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    Census census(origin, kMaxScenarioNodes - std::min(nodes, kMaxScenarioNodes));
    while (parser.HandleNextDocument(census)) {
    }
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(SourceMark{origin, e.mark.line + 1, e.mark.column + 1}.str() + ": invalid YAML: " + e.msg);
  }
  if (docs.empty()) return std::nullopt;
  if (docs.size() > 1) {
    SourceMark second = mark_of(docs[1], origin);
    throw ConfigError(second.str() + ": a second YAML document (after '---'); a scenario file holds exactly one "
                                     "document, a map of keys");
  }
  Converter converter(origin, nodes);
  return converter.convert(docs[0], "", SourceMark{origin, 1, 1});
}

// Reads a scenario file whole, refusing what is not a regular file of at most
// kMaxScenarioFileBytes before reading it. `prefix` starts every message: the file's own name for
// the scenario itself, or the position of the `extends` key that named it.
std::string read_scenario_file(const std::filesystem::path& path, const std::string& prefix) {
  namespace fs = std::filesystem;
  const std::string shown_path = "'" + one_line(path.string()) + "'";
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st))
    throw ConfigError(prefix + "cannot open scenario file " + shown_path + " (no such file)");
  if (fs::is_directory(st))
    throw ConfigError(prefix + shown_path + " is a directory; expected a scenario file (YAML)");
  std::string limit = std::to_string(kMaxScenarioFileBytes) + " bytes (1 MiB)";
  if (fs::is_regular_file(st)) {
    const auto size = fs::file_size(path, ec);
    if (!ec && size > kMaxScenarioFileBytes)
      throw ConfigError(prefix + "scenario file " + shown_path + " is " + std::to_string(size) +
                        " bytes; the limit is " + limit + " (see docs/scenarios.md)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    throw ConfigError(prefix + "cannot open scenario file " + shown_path + " (" +
                      (error ? std::strerror(error) : "unreadable") + ")");
  }
  // Read at most one byte past the limit: a pipe or device has no size to check beforehand.
  std::string text(kMaxScenarioFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw ConfigError(prefix + "cannot read scenario file " + shown_path);
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxScenarioFileBytes)
    throw ConfigError(prefix + "scenario file " + shown_path + " is larger than the limit of " + limit +
                      " (see docs/scenarios.md)");
  return text;
}

std::string describe(const ConfigNode& n) {
  if (n.is_scalar()) return "'" + one_line(n.scalar()) + "'";
  if (n.is_map()) return "a map";
  if (n.is_sequence()) return "a list";
  return "nothing";
}

struct ExtendsLink {
  std::filesystem::path canonical;
  std::string shown;  // as the user wrote it
};

// Merges the scenario at `path` into `merged`, after the files it extends: the extends graph is
// walked depth first and every file is merged once, after its own bases (a linearisation, as
// Python orders base classes). So `extends: [pension.yaml, medical.yaml]`, both of which extend
// baseline.yaml, merges baseline, pension, medical, then this file: medical's copy of baseline
// does not undo pension's changes. `chain` is the path from the scenario the user named to this
// file (for cycles), `merged_files` the files already merged.
void merge_with_bases(const std::filesystem::path& path, const std::string& prefix, std::vector<ExtendsLink>& chain,
                      std::vector<std::filesystem::path>& merged_files, std::size_t& nodes,
                      std::optional<ConfigNode>& merged) {
  const auto origin = std::make_shared<const std::string>(path.string());
  std::optional<ConfigNode> parsed = parse_document(read_scenario_file(path, prefix), origin, nodes);
  if (!parsed)
    throw ConfigError(SourceMark{origin, 1, 1}.str() +
                      ": no YAML document (the file is empty or holds only comments or directives); a scenario "
                      "file holds exactly one map of keys ('{}' for the built-in defaults)");
  ConfigNode doc = std::move(*parsed);
  if (!doc.is_map())
    throw ConfigError((doc.mark().origin ? doc.mark() : SourceMark{origin, 1, 1}).str() +
                      ": a scenario file holds one YAML map of keys, got " + describe(doc));

  const auto it = std::find_if(doc.entries().begin(), doc.entries().end(),
                               [](const ConfigNode::Entry& e) { return e.key == "extends"; });
  if (it != doc.entries().end()) {
    const ConfigNode& extends = it->value;
    const std::string at = (it->key_mark.origin ? it->key_mark : extends.mark()).str() + ": extends: ";
    // One base file, or a list of them merged in order (a later one overrides an earlier one).
    std::vector<const ConfigNode*> bases;
    if (extends.is_sequence() && !extends.items().empty()) {
      for (const auto& item : extends.items()) bases.push_back(&item);
    } else {
      bases.push_back(&extends);
    }
    for (const ConfigNode* base : bases) {
      if (!base->is_scalar() || base->scalar().empty())
        throw ConfigError(at + "expected the path of another scenario file (or a list of them), got " +
                          describe(*base));
      for (const char c : base->scalar())
        if (static_cast<unsigned char>(c) < 0x20)
          throw ConfigError(at + "expected a file path, got " + describe(*base) + " (it holds a control character)");
      if (static_cast<int>(chain.size()) >= kMaxExtendsChain)
        throw ConfigError(at + "more than " + std::to_string(kMaxExtendsChain) +
                          " files in the extends chain; see docs/scenarios.md");
      // Relative to the folder of the file that says `extends`, not to the current folder.
      const std::filesystem::path base_path = path.parent_path() / base->scalar();
      std::error_code ec;
      const auto base_canonical = std::filesystem::weakly_canonical(base_path, ec);
      for (std::size_t k = 0; k < chain.size(); ++k) {
        if (chain[k].canonical != base_canonical) continue;
        std::string cycle;
        for (std::size_t j = k; j < chain.size(); ++j) cycle += chain[j].shown + " -> ";
        throw ConfigError(at + "'" + one_line(base->scalar()) + "' forms a cycle (" + one_line(cycle) +
                          one_line(base_path.string()) + ")");
      }
      if (std::find(merged_files.begin(), merged_files.end(), base_canonical) != merged_files.end())
        continue;  // already merged, through an earlier base
      if (std::filesystem::path(base->scalar()).is_relative() && !std::filesystem::exists(base_path, ec))
        throw ConfigError(at + "cannot open scenario file '" + one_line(base->scalar()) +
                          "' (no such file; a relative path is taken from the folder of the file that extends it, "
                          "here " + one_line(base_path.string()) + ")");
      chain.push_back({base_canonical, base_path.string()});
      merge_with_bases(base_path, at, chain, merged_files, nodes, merged);
      chain.pop_back();
    }
    doc.erase("extends");
  }
  // A base's name and description describe the base, not the file that extends it.
  if (chain.size() > 1) {
    doc.erase("name");
    doc.erase("description");
  }
  merged_files.push_back(chain.back().canonical);
  if (merged)
    merged->merge_from(doc);
  else
    merged = std::move(doc);
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
  std::size_t nodes = 0;
  std::optional<ConfigNode> doc = parse_document(text, std::make_shared<const std::string>(origin), nodes);
  return doc ? std::move(*doc) : ConfigNode();
}

ConfigNode load_yaml_with_extends(const std::string& path) {
  std::vector<ExtendsLink> chain;
  std::error_code ec;
  chain.push_back({std::filesystem::weakly_canonical(path, ec), path});
  std::vector<std::filesystem::path> merged_files;
  std::size_t nodes = 0;
  std::optional<ConfigNode> merged;
  merge_with_bases(path, one_line(path) + ": ", chain, merged_files, nodes, merged);
  return std::move(*merged);
}

void apply_override(ConfigNode& root, std::string_view assignment) {
  const auto eq = assignment.find('=');
  // The assignment names itself in every message about the value; cut, since a value may be long
  // or hold a newline.
  const std::string origin_text = "--set " + one_line(assignment);
  if (eq == std::string_view::npos || eq == 0)
    throw ConfigError(origin_text + ": expected PATH=VALUE, e.g. shocks.illness.reimbursement_rate=0.6");
  const std::string path(assignment.substr(0, eq));
  const std::string value(assignment.substr(eq + 1));
  // A YAML file must be UTF-8, and so must a value given here: the resolved scenario is written
  // back as YAML, and text that is not UTF-8 would be replaced there without a word.
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t n = utf8_length(value, i);
    if (n == 0) throw ConfigError(origin_text + ": the value is not valid UTF-8 text");
    i += n;
  }
  if (std::count(path.begin(), path.end(), '.') >= kMaxScenarioDepth)
    throw ConfigError(origin_text + ": the path has more than " + std::to_string(kMaxScenarioDepth) +
                      " components; see docs/scenarios.md");
  SourceMark mark{std::make_shared<const std::string>(origin_text), 0, 0};

  ConfigNode* node = &root;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) throw ConfigError(origin_text + ": empty component in path '" + one_line(path) + "'");
    if (!node->is_map() && !node->is_null())
      throw ConfigError(origin_text + ": '" + one_line(path.substr(0, start ? start - 1 : 0)) +
                        "' is not a map, so it has no key '" + one_line(key) + "'");
    if (dot == std::string::npos) {
      ConfigNode* existing = node->find(key);
      if (existing && (existing->is_map() || existing->is_sequence()))
        throw ConfigError(origin_text + ": '" + one_line(path) + "' is a " + (existing->is_map() ? "map" : "list") +
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
