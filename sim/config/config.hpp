// A YAML document as a tree that remembers where every value came from (file, line, column),
// so that validation errors can point at the exact spot even after `extends:` merges and `--set`.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace povsim {

// Where a value was written: a file position, or a command-line override.
struct SourceMark {
  std::shared_ptr<const std::string> origin;  // file path or e.g. "--set seed=3"
  int line = 0;                               // 1-based; 0 when not a file position
  int column = 0;                             // 1-based

  std::string str() const;  // "file.yaml:12:5" or the origin alone
};

// Bad input: the message is complete ("file:line:col: a.b.c: expected ..., got ...").
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ConfigNode {
 public:
  enum class Kind { null, scalar, map, sequence };
  struct Entry;  // a map entry: key, where the key was written, value

  ConfigNode() = default;
  static ConfigNode make_scalar(std::string text, SourceMark mark);
  static ConfigNode make_map(SourceMark mark);
  static ConfigNode make_sequence(SourceMark mark);

  Kind kind() const { return kind_; }
  bool is_map() const { return kind_ == Kind::map; }
  bool is_scalar() const { return kind_ == Kind::scalar; }
  bool is_sequence() const { return kind_ == Kind::sequence; }
  bool is_null() const { return kind_ == Kind::null; }
  const std::string& scalar() const { return scalar_; }
  const SourceMark& mark() const { return mark_; }

  // Map access; entries keep file order.
  const std::vector<Entry>& entries() const { return entries_; }
  const ConfigNode* find(std::string_view key) const;
  ConfigNode* find(std::string_view key);
  ConfigNode& set(std::string key, ConfigNode value, SourceMark key_mark = {});
  bool erase(std::string_view key);

  const std::vector<ConfigNode>& items() const { return items_; }
  void push_back(ConfigNode value);  // defined out of line: Entry is incomplete here (clang)

  // Deep merge: maps merge key by key, anything else in `overlay` replaces this node.
  void merge_from(const ConfigNode& overlay);

 private:
  Kind kind_ = Kind::null;
  std::string scalar_;
  SourceMark mark_;
  std::vector<Entry> entries_;
  std::vector<ConfigNode> items_;
};

struct ConfigNode::Entry {
  std::string key;
  SourceMark key_mark;
  ConfigNode value;
};

// Parses YAML text; `origin` names it in error messages. Throws ConfigError on syntax errors.
ConfigNode parse_yaml(const std::string& text, const std::string& origin);

// Reads a file and follows `extends: other.yaml` (relative to the including file) recursively;
// the including file's keys override the extended file's. Cycles are errors.
ConfigNode load_yaml_with_extends(const std::string& path);

// Applies `a.b.c=value`: replaces (or creates) the scalar at that path. Throws ConfigError when the
// assignment is malformed or the path runs through a non-map.
void apply_override(ConfigNode& root, std::string_view assignment);

// Emits the tree as block-style YAML.
std::string to_yaml(const ConfigNode& root);

}  // namespace povsim
